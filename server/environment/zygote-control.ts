// SnapStart's control channel to a version's zygote (the initialised Python runtime kept as the
// snapshot, runtime-api/bootstrap/python/snapstart.py): a Unix socket in a private 0700 dir. The
// server asks for a fork per restored environment; the zygote answers with its pid and, as its parent,
// reports how each fork ended. Each fork's output comes in on a socket of its own, made per request.
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { tmpDirPrefix } from '../temp-dirs.ts';
import type { ExitInfo } from './worker-process.ts';

/** A fork of the zygote: a copy of the initialised runtime, running as its own session leader. */
export interface ZygoteFork {
  pid: number;
  /** How it ended (reported by the zygote; a SIGKILL when the zygote went first). */
  exited: Promise<ExitInfo>;
  /** Its stdout and stderr, once it connected. */
  output: Promise<Socket>;
}

const GONE: ExitInfo = { code: null, signal: 'SIGKILL' };
const FORK_LIMIT_MS = 10_000;

/** `exit <pid> <code>` as the zygote words it: an exit code, or minus the signal number. */
export function parseExit(code: number): ExitInfo {
  if (code >= 0) return { code, signal: null };
  const name = Object.entries(constants.signals).find(([, n]) => n === -code)?.[0] as NodeJS.Signals | undefined;
  return { code: null, signal: name ?? 'SIGKILL' };
}

export class ZygoteControl {
  /** The socket path the zygote connects to (_EPHEMERA_SNAPSTART_CONTROL). */
  readonly path: string;
  /** The zygote's pid, once it reached the snapshot point and connected. */
  readonly ready: Promise<number>;
  private readonly dir: string;
  private readonly server: Server;
  private conn: Socket | undefined;
  private readonly forks = new Map<string, (pid: number) => void>();
  private readonly exits = new Map<number, (info: ExitInfo) => void>();
  private seq = 0;
  private closed = false;

  constructor(label: string) {
    this.dir = mkdtempSync(`${tmpDirPrefix('snapstart')}-${label}-`);
    this.path = join(this.dir, 'control.sock');
    let connected!: (pid: number) => void;
    let failed!: (err: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      connected = resolve;
      failed = reject;
    });
    this.ready.catch(() => {});
    this.server = createServer((conn) => {
      if (this.conn || this.closed) return void conn.destroy();
      this.conn = conn;
      conn.on('error', () => {});
      let buffered = '';
      conn.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const [word, a, b] = buffered.slice(0, nl).split(' ');
          buffered = buffered.slice(nl + 1);
          if (word === 'ready') connected(Number(a));
          else if (word === 'forked') this.forks.get(a)?.(Number(b));
          else if (word === 'exit') this.exited(Number(a), parseExit(Number(b)));
        }
      });
      conn.on('close', () => {
        failed(new Error('the snapshot process ended'));
        this.conn = undefined;
        this.closed = true;
        for (const settle of this.exits.values()) settle(GONE);
        this.exits.clear();
      });
    });
    this.server.listen(this.path);
  }

  /** The zygote is gone (its control socket closed) or was let go: no more forks. */
  get ended(): boolean {
    return this.closed;
  }

  /** Fork a restored runtime with `env` set over the snapshot's environment. */
  async fork(env: Record<string, string>): Promise<ZygoteFork> {
    await this.ready;
    const conn = this.conn;
    if (!conn || this.closed) throw new Error('the snapshot process ended');
    const id = String(++this.seq);
    const outputPath = join(this.dir, `out-${id}.sock`);
    const outputServer = createServer();
    const output = new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the restored runtime did not connect its output')), FORK_LIMIT_MS);
      outputServer.once('connection', (socket) => {
        clearTimeout(timer);
        outputServer.close();
        rmSync(outputPath, { force: true });
        resolve(socket);
      });
    });
    output.catch(() => outputServer.close());
    await new Promise<void>((resolve) => outputServer.listen(outputPath, resolve));
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the snapshot process did not fork')), FORK_LIMIT_MS);
      this.forks.set(id, (p) => {
        clearTimeout(timer);
        resolve(p);
      });
      conn.write(`${JSON.stringify({ id, output: outputPath, env })}\n`);
    }).finally(() => this.forks.delete(id));
    const exited = new Promise<ExitInfo>((resolve) => (this.closed ? resolve(GONE) : this.exits.set(pid, resolve)));
    return { pid, exited, output };
  }

  private exited(pid: number, info: ExitInfo): void {
    this.exits.get(pid)?.(info);
    this.exits.delete(pid);
  }

  /** Let the zygote go (it exits when its control socket closes) and remove the dir. */
  close(): void {
    this.closed = true;
    this.conn?.end();
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
