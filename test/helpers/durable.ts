// Helpers for durable function tests: the code folders get a node_modules (as `npm install` gives a
// SAM app's function folder) linked to the repository's, so esbuild bundles the official SDK into the
// handler even from a published version's copy of the folder; and small readers of /_ephemera/durable.
import { existsSync, lstatSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './emulator.ts';

/** Link `<dir>/node_modules` to the repository's (absolute, so that copies of the folder keep it). */
export function linkNodeModules(dir: string): void {
  const link = join(dir, 'node_modules');
  if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) return;
  try {
    symlinkSync(join(ROOT, 'node_modules'), link);
  } catch (err) {
    // Another test file (running in parallel) made it first.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

export interface ExecutionDetail {
  status: string;
  invocations: Array<{ number: number; requestId: string; environment?: string; cold?: boolean; outcome: string; error?: { ErrorType?: string } }>;
  operations: Array<{ id: string; name?: string; type: string; status: string; attempts?: number; callbackId?: string }>;
  timers: Array<{ kind: string; operationId?: string; dueAt: string }>;
  error?: { ErrorType?: string; ErrorMessage?: string };
  result?: string;
}

export async function executionDetail(url: string, arnOrId: string): Promise<ExecutionDetail> {
  const res = await fetch(`${url}/_ephemera/durable/executions/${encodeURIComponent(arnOrId)}`);
  if (res.status !== 200) throw new Error(`execution ${arnOrId}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<ExecutionDetail>;
}

/** Fire the execution's timers now (all kinds but the execution timeout, unless `kind` names it). */
export async function fireTimers(url: string, body: { execution?: string; operation?: string; kind?: string } = {}): Promise<Array<{ kind: string }>> {
  const res = await fetch(`${url}/_ephemera/durable/timers/fire`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return ((await res.json()) as { fired: Array<{ kind: string }> }).fired;
}
