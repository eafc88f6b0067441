// Where durable executions are kept: in memory, or with --data-dir one JSON file per execution under
// `<data-dir>/durable/`, rewritten whole (temp file + rename) after every change, so a kill leaves
// either the previous or the new state of an execution, never a torn one.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionRecord } from './execution-record.ts';

export class DurableStore {
  private readonly dir: string | undefined;

  /** `dataDir` undefined: nothing is written. */
  constructor(dataDir: string | undefined) {
    this.dir = dataDir === undefined ? undefined : join(dataDir, 'durable');
    if (this.dir) mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  get persistent(): boolean {
    return this.dir !== undefined;
  }

  /** Every execution written before (files that do not parse, e.g. a temp file left by a kill, are skipped). */
  load(): ExecutionRecord[] {
    if (!this.dir || !existsSync(this.dir)) return [];
    const out: ExecutionRecord[] = [];
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as ExecutionRecord);
      } catch {
        // unreadable: not one of ours, or torn before the rename
      }
    }
    return out.sort((a, b) => a.startedAt - b.startedAt);
  }

  save(rec: ExecutionRecord): void {
    if (!this.dir) return;
    const file = join(this.dir, `${rec.id}.json`);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(rec), { mode: 0o600 });
    renameSync(tmp, file);
  }

  delete(id: string): void {
    if (this.dir) rmSync(join(this.dir, `${id}.json`), { force: true });
  }
}
