// The emulator's own endpoints under /_ephemera/: health, the execution environments (state, frozen,
// leaks, /tmp usage), metrics, and deterministic controls for tests: shut one environment down
// (force a cold start) or recycle every environment of a function.
import { phaseOf } from '../events/event-bus.ts';
import { readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ResourceNotFoundException } from '../errors.ts';
import type { ExecutionEnvironment } from '../environment/execution-environment.ts';
import type { IsolationInfo } from '../environment/isolation.ts';
import type { Metrics } from '../metrics.ts';
import type { EnvironmentPool } from '../pool/environment-pool.ts';
import type { Registry } from '../registry/registry.ts';

interface Deps {
  registry: Registry;
  pool: EnvironmentPool;
  isolation: IsolationInfo;
  metrics: Metrics;
  version: string;
  /** Where the HTTP front door serves each API and function URL. */
  frontDoor?: () => unknown;
  /** The blank sandboxes kept for cold starts (--sandbox-pool). */
  sandboxPool?: () => unknown;
}

export function registerInternalRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/_ephemera/health', async () => ({
    status: 'ok',
    version: deps.version,
    isolation: deps.isolation.level,
    isolationReason: deps.isolation.reason,
    functions: deps.registry.list().length,
    environments: deps.pool.environments().length,
    provisionedConcurrency: deps.pool.provisioned(),
    ...(deps.frontDoor ? { frontDoor: deps.frontDoor() } : {}),
    ...(deps.sandboxPool ? { sandboxPool: deps.sandboxPool() } : {}),
  }));

  app.get('/_ephemera/metrics', async () => deps.metrics.snapshot());

  app.get<{ Querystring: { function?: string } }>('/_ephemera/environments', async (request) => ({
    environments: deps.pool.environments()
      .filter((e) => request.query.function === undefined || e.fn.config.name === request.query.function)
      .map((e) => describe(e, deps.pool)),
  }));

  app.get<{ Params: { id: string } }>('/_ephemera/environments/:id', async (request) => describe(find(deps, request.params.id), deps.pool));

  /** Shut one environment down now (a busy one fails its invocation): the next invoke is cold. */
  app.delete<{ Params: { id: string } }>('/_ephemera/environments/:id', async (request, reply) => {
    await deps.pool.shutdownEnvironment(find(deps, request.params.id), 'shut down through /_ephemera');
    return reply.code(204).send();
  });

  /** Retire every environment of a function: idle ones now, busy ones after their current invoke. */
  app.post<{ Params: { name: string } }>('/_ephemera/functions/:name/recycle', async (request) => {
    const name = request.params.name;
    if (!deps.registry.get(name)) throw new ResourceNotFoundException(`Function not found: ${name}`);
    return { function: name, recycled: await deps.pool.recycle(name) };
  });
}

function find(deps: Deps, id: string): ExecutionEnvironment {
  const env = deps.pool.environments().find((e) => e.id === id || e.id.startsWith(id));
  if (!env) throw new ResourceNotFoundException(`Environment not found: ${id}`);
  return env;
}

function describe(e: ExecutionEnvironment, pool: EnvironmentPool): Record<string, unknown> {
  return {
    id: e.id,
    function: e.fn.config.name,
    version: e.fn.version,
    state: e.state,
    /** The web view's name for the state: initializing, invoking, idle, frozen, failed, shutting-down. */
    phase: phaseOf(e.state, e.frozen),
    frozen: e.frozen,
    pid: e.pid ?? null,
    invocations: e.invocations,
    /** Invocations running now, out of `capacity` (1; PerExecutionEnvironmentMaxConcurrency on Lambda Managed Instances). */
    inFlight: e.inFlight,
    capacity: e.capacity,
    peakInFlight: e.peakInFlight,
    managedInstances: e.fn.config.managedInstances !== undefined,
    warm: e.invocations > 0,
    initType: e.initType,
    provisioned: pool.isProvisioned(e),
    initDurationMs: Math.round(e.initDurationMs * 100) / 100,
    maxMemoryUsedMB: e.maxMemoryMB,
    tmpDir: e.tmpPath ?? null,
    tmpUsageBytes: e.tmpView ? dirBytes(e.tmpView) : null,
    leaks: {
      lastInvocation: e.lastLeaks,
      openProcesses: e.processes.open.map((p) => ({ ...p, alive: isAlive(p.pid) })),
    },
    createdAt: new Date(e.createdAt).toISOString(),
  };
}

/** Bytes under a directory (bounded walk; symlinks not followed). */
function dirBytes(dir: string, budget = { entries: 10_000 }): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (--budget.entries < 0) break;
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      total += st.isDirectory() ? dirBytes(path, budget) : st.size;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
