// The emulator's own endpoints under /_ephemera/: health (readiness and isolation level) and the
// list of execution environments with their state.
import type { FastifyInstance } from 'fastify';
import type { IsolationInfo } from '../environment/isolation.ts';
import type { EnvironmentPool } from '../pool/environment-pool.ts';
import type { Registry } from '../registry/registry.ts';

export function registerInternalRoutes(app: FastifyInstance, deps: { registry: Registry; pool: EnvironmentPool; isolation: IsolationInfo; version: string }): void {
  app.get('/_ephemera/health', async () => ({
    status: 'ok',
    version: deps.version,
    isolation: deps.isolation.level,
    isolationReason: deps.isolation.reason,
    functions: deps.registry.list().length,
    environments: deps.pool.environments().length,
    provisionedConcurrency: deps.pool.provisioned(),
  }));

  app.get('/_ephemera/environments', async () => ({
    environments: deps.pool.environments().map((e) => ({
      id: e.id,
      function: e.fn.config.name,
      version: e.fn.version,
      state: e.state,
      frozen: e.frozen,
      pid: e.pid ?? null,
      invocations: e.invocations,
      initType: e.initType,
      provisioned: e.provisioned,
      initDurationMs: Math.round(e.initDurationMs * 100) / 100,
      maxMemoryUsedMB: e.maxMemoryMB,
      tmpDir: e.tmpPath ?? null,
      createdAt: new Date(e.createdAt).toISOString(),
    })),
  }));
}
