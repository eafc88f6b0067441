// A real `ephemera start` process for tests of how it is shipped (npm package, Docker command):
// spawn, wait for the "ephemera ready" line, and stop with SIGTERM checking that every process its
// environments had is gone. Tests kill what they started (killStarted) even when an assertion fails.
import { type ChildProcess, spawn } from 'node:child_process';
import { descendants, isAlive, waitFor } from './emulator.ts';

export interface CliServer {
  child: ChildProcess;
  /** As the ready line says it (e.g. http://0.0.0.0:41234). */
  url: string;
  /** Where a client on this machine reaches it. */
  local: string;
  exit: Promise<number | null>;
  stderr: string[];
  /** Everything it wrote to stdout so far (its log lines), from the start. */
  stdout: string[];
}

const started: ChildProcess[] = [];

/** The child processes get no npm_* variables from an enclosing `npm test`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') && !k.startsWith('EPHEMERA_'))),
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

export async function startCli(command: string, args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<CliServer> {
  const child = spawn(command, args, { cwd: opts.cwd, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const stderr: string[] = [];
  const stdout: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  child.stdout!.on('data', (d: Buffer) => stdout.push(d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const ready = buf.split('\n').find((l) => l.includes('ephemera ready'));
      if (ready) resolve((JSON.parse(ready) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before ready: ${stderr.join('')}`)));
    setTimeout(() => reject(new Error(`not ready within 15 s: ${stderr.join('')}`)), 15_000).unref();
  });
  const local = `http://127.0.0.1:${new URL(url).port}`;
  return { child, url, local, exit, stderr, stdout };
}

/** SIGTERM; resolves with the exit code and the PIDs (of its environments, seen now) still alive after 5 s. */
export async function stopCli(server: CliServer): Promise<{ code: number | null; orphans: number[]; pids: number[] }> {
  const { environments } = (await (await fetch(`${server.local}/_ephemera/environments`)).json()) as { environments: Array<{ pid: number | null }> };
  const pids = environments.flatMap((e) => (e.pid ? [e.pid, ...descendants(e.pid)] : []));
  server.child.kill('SIGTERM');
  const code = await server.exit;
  const orphans = await waitFor(() => pids.every((p) => !isAlive(p)) && [], 5000).catch(() => pids.filter(isAlive));
  return { code, orphans, pids };
}

/** For afterEach: SIGKILL whatever is still running. */
export function killStarted(): void {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
