// One blank sandbox: a runtime (under namespace isolation, with its sandbox) started before its
// function is known, blocked reading its assignment on fd 6 (blank-plan.ts). It is either handed to
// one environment at its cold start, which from then on owns its processes, or killed by its pool.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BlankRequest, type BlankSpec, assignmentPayload, blankFit } from './blank-plan.ts';
import { underHostTmp } from './namespace-sandbox.ts';
import { ProcFiles } from './proc-fs.ts';
import type { ProcessWatchdog } from './process-watchdog.ts';
import type { SpawnInput } from './spawn-plan.ts';
import { type OutputSource, type SpawnPlan, type Worker, WorkerProcess } from './worker-process.ts';

/** Where an environment's INIT takes a blank from (server/pool/sandbox-pool.ts). */
export interface BlankSource {
  /** A ready blank for this spec, or none; either way the spec is noted as in use (the pool refills). */
  take(spec: BlankSpec): BlankSandbox | undefined;
  /** A cold start of a runtime the pool does not keep, and why (logged once per reason). */
  fellBack(reason: string): void;
}

export class BlankSandbox {
  readonly spec: BlankSpec;
  private readonly worker: WorkerProcess;
  /** Where its output goes: nowhere until assigned, then the environment's. */
  private sink: ((line: string, source: OutputSource) => void) | undefined;
  private assigned_ = false;

  constructor(spec: BlankSpec, plan: SpawnPlan, watchdog?: ProcessWatchdog) {
    this.spec = spec;
    this.worker = new WorkerProcess(plan, (line, source) => this.sink?.(line, source), undefined, watchdog);
    this.worker.holdOpen(false);
  }

  get pid(): number {
    return this.worker.pid;
  }

  /** Not assigned, and its runtime has not ended. */
  get available(): boolean {
    return !this.assigned_ && this.worker.alive;
  }

  get assigned(): boolean {
    return this.assigned_;
  }

  /** Settles when its runtime has ended. */
  get exited(): Promise<unknown> {
    return this.worker.exited;
  }

  /** Its runtime is blocked reading fd 6: started, waiting for its assignment. */
  waiting(): boolean {
    return this.available && this.worker.treePids().some((pid) => blockedOnFd6(pid));
  }

  /** Every process it holds, the sandbox's helpers included (for its idle cost). */
  pids(): number[] {
    if (this.worker.pid <= 0) return [];
    const proc = new ProcFiles();
    try {
      return proc.tree(this.worker.pid, true);
    } finally {
      proc.closeAll();
    }
  }

  /** Hand it over: its output goes to `onOutput` from now on, and its runtime reads `payload`. */
  assign(payload: string, onOutput: (line: string, source: OutputSource) => void): Worker {
    this.assigned_ = true;
    this.sink = onOutput;
    this.worker.holdOpen(true);
    this.worker.assign(payload);
    return this.worker;
  }

  /** Kill it (not once assigned: its environment owns it then). */
  async kill(): Promise<void> {
    if (this.assigned_) return;
    await this.worker.kill();
    this.worker.release();
  }
}

/** A system call on fd 6 (`read`: /proc/<pid>/syscall's first argument) it sleeps in (a wait channel). */
export function blockedOnFd6(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[1] === '0x6' && !/^0?$/.test(readFileSync(`/proc/${pid}/wchan`, 'utf8'));
  } catch {
    return false;
  }
}


const SHARED_OBJECT = /\.so(\.\d+)*$/;

function hasSharedObjects(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => SHARED_OBJECT.test(name));
  } catch {
    return false;
  }
}

/**
 * A blank for this cold start and what it is to be told, or undefined (a normal spawn): `input` and
 * `plan` are the environment's normal spawn (spawn-plan.ts).
 */
export function takeBlank(source: BlankSource, input: SpawnInput, plan: SpawnPlan, debugged: boolean): { blank: BlankSandbox; payload: string } | undefined {
  const { config } = input.fn;
  const dependencyDir = input.launch.dependencyDir;
  const layers = config.layers ?? [];
  const codeDirs = [config.codeDir, ...(dependencyDir ? [dependencyDir] : [])];
  const request: BlankRequest = {
    isolation: input.isolation, launch: input.launch, env: plan.env, initType: input.initType,
    externalExtensions: input.extensions?.length ?? 0, managedInstances: config.managedInstances !== undefined, debugged,
    tmpSeed: input.tmpSeed !== undefined, mountPaths: [...codeDirs, ...layers],
    libraryDirs: [...codeDirs.flatMap((d) => [d, join(d, 'lib')]), ...layers.map((l) => join(l, 'lib'))],
    ownLibraryPath: config.environment.LD_LIBRARY_PATH !== undefined || input.extraEnv?.LD_LIBRARY_PATH !== undefined,
    hasSharedObjects,
  };
  const fit = blankFit(request);
  if ('fallback' in fit) {
    source.fellBack(fit.fallback);
    return undefined;
  }
  const blank = source.take(fit.spec);
  if (!blank) return undefined;
  const isolation = fit.spec.isolation;
  const underTmp = [...codeDirs, ...layers].some((d) => underHostTmp(d));
  const mounts = { codeDir: config.codeDir, dependencyDir, layers, tmpMB: config.ephemeralStorage, underTmp };
  return { blank, payload: assignmentPayload({ isolation, plan, mounts }) };
}
