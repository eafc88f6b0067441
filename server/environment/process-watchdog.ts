// Process isolation's answer to an emulator killed with SIGKILL: a small shell, started with the
// first environment, whose stdin is a pipe only the emulator holds. When the emulator is gone,
// however it went, `read` returns and the shell kills every process in its list: the processes the
// emulator has seen in its environments (daemons included, for a runtime that is a child subreaper),
// each by pid and start time, so that a reused pid is never hit. The list is rewritten only when it
// changes (a new process was seen, an environment ended).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDirPrefix } from '../temp-dirs.ts';

// $1 the list (`<pid> <start time>` lines). Field 22 of /proc/<pid>/stat is the start time; the name
// in field 2 may hold spaces, so the fields are counted after its closing parenthesis.
const WATCHDOG_SCRIPT = [
  'read _',
  'list=$1',
  '[ -f "$list" ] || exit 0',
  'while read -r pid start; do',
  '  st=$(cat "/proc/$pid/stat" 2>/dev/null) || continue',
  '  set -- ${st##*) }',
  '  [ "${20}" = "$start" ] && kill -9 "$pid" 2>/dev/null',
  'done < "$list"',
  'rm -rf "${list%/*}"',
].join('\n');

export class ProcessWatchdog {
  private readonly dir = `${tmpDirPrefix('watchdog')}-${process.hrtime.bigint()}`;
  private readonly file = join(this.dir, 'processes');
  private child: ChildProcess | undefined;
  private readonly lists = new Map<object, ReadonlyMap<number, number>>();
  private written = '';

  /** The processes of one environment (pid → start time), replacing what it listed before. */
  track(owner: object, pids: ReadonlyMap<number, number>): void {
    this.lists.set(owner, pids);
    this.flush();
  }

  /** The environment has ended: its processes are killed already. */
  untrack(owner: object): void {
    if (this.lists.delete(owner)) this.flush();
  }

  /** The emulator stops cleanly: the watchdog exits (nothing is listed any more) and its dir goes. */
  async close(): Promise<void> {
    this.lists.clear();
    this.flush();
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin?.end();
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(): void {
    const text = [...this.lists.values()].flatMap((m) => [...m].map(([pid, start]) => `${pid} ${start}\n`)).join('');
    if (text === this.written) return;
    if (!this.child && text) this.start();
    writeFileSync(`${this.file}.new`, text);
    renameSync(`${this.file}.new`, this.file);
    this.written = text;
  }

  private start(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'ephemera-process-watchdog', this.file], {
      detached: true, stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.on('error', () => {});
    child.stdin!.on('error', () => {});
    // Neither the process nor the pipe keeps the emulator's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref(): void }).unref();
    this.child = child;
  }
}
