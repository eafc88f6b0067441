// How the image scripts run commands: captured (probes, JSON answers) or streamed to our output with an
// indent (installs, builds); every run is bounded by a timeout and a failure names the command and the
// tail of what it printed.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Copy the command's output to ours as it comes, indented. */
  stream?: boolean;
}

export class CommandError extends Error {
  readonly result: RunResult;
  constructor(argv: readonly string[], result: RunResult) {
    const tail = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-15).join('\n');
    super(`\`${argv.join(' ')}\` ${result.code === null ? 'timed out or was killed' : `exited ${result.code}`}${tail ? `:\n${tail}` : ''}`);
    this.result = result;
  }
}

/**
 * Runs argv to its end; never throws for an exit code. The command leads its own process group, which
 * gets SIGKILL after the timeout (default 2 minutes). Resolves when the command exits, not when every
 * holder of its output pipes has: `podman-compose up` leaves `podman start --attach` behind until the
 * containers stop.
 */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const copy = (d: Buffer): void => {
      if (opts.stream) process.stdout.write(d.toString().replace(/^(?=.)/gm, '    '));
    };
    child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), copy(d)));
    child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), copy(d)));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, opts.timeoutMs ?? 120_000);
    const done = (code: number | null): void => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    };
    child.once('error', (err) => ((stderr += err.message), done(null)));
    // The last output can trail the exit a little; 'close' waits for it unless someone else holds the pipes.
    child.once('exit', (code) => {
      const late = setTimeout(() => done(code), 1000);
      child.once('close', () => (clearTimeout(late), done(code)));
    });
  });
}

/** Runs argv and returns its stdout; throws CommandError unless it exits 0. */
export async function must(argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  const result = await run(argv, opts);
  if (result.code !== 0) throw new CommandError(argv, result);
  return result.stdout;
}

/** Is `command` on PATH? */
export async function onPath(command: string): Promise<boolean> {
  return (await run(['sh', '-c', `command -v ${command}`], { timeoutMs: 5000 })).code === 0;
}

/** A loopback port free right now (for a container on the host's network, which cannot publish one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
