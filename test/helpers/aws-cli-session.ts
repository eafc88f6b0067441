// Debian's aws CLI without a Python start-up per command: one /usr/bin/python3 process runs a test
// file's commands one after another through the CLI's own entry point (aws-cli-session.py), each with
// its own arguments, environment and directory, answering the exit code, stdout and stderr that
// /usr/bin/aws would. Files keep at least one test on the real executable (runAwsCli).
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export interface CliRun { code: number; stdout: string; stderr: string; json: () => Record<string, any> }

export interface AwsCliSession {
  /** One command (`args` without `aws`); never rejects: a timeout or a dead interpreter answers code -1. */
  run(args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string }): Promise<CliRun>;
  /** Ends the interpreter (it exits when its input closes) and waits for it. */
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./aws-cli-session.py', import.meta.url));
const TIMEOUT_MS = 60_000;

export const cliRun = (code: number, stdout: string, stderr: string): CliRun =>
  ({ code, stdout, stderr, json: () => (stdout.trim() ? JSON.parse(stdout) : {}) });

interface Pending { resolve: (run: CliRun) => void; timer: NodeJS.Timeout }

export function awsCliSession(python = '/usr/bin/python3'): AwsCliSession {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let pending: Pending | undefined;
  let diagnostics = '';
  let queue: Promise<unknown> = Promise.resolve();

  const settle = (run: CliRun): void => {
    const p = pending;
    pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.resolve(run);
    }
  };
  const start = (): ChildProcess => {
    const proc = spawn(python, [SCRIPT], { env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    diagnostics = '';
    // Anything the interpreter itself prints (outside a command's captured streams) is kept for the error.
    proc.stdout!.on('data', (d: Buffer) => { diagnostics += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { diagnostics += d.toString(); });
    createInterface({ input: proc.stdio[3] as NodeJS.ReadableStream }).on('line', (line) => {
      const a = JSON.parse(line) as { code: number; stdout: string; stderr: string };
      settle(cliRun(a.code, a.stdout, a.stderr));
    });
    exited = new Promise((resolve) => proc.on('close', (code, signal) => {
      if (child === proc) child = undefined;
      settle(cliRun(-1, '', `aws CLI session ended (exit ${code}, ${signal ?? 'no signal'}) during the command\n${diagnostics}`));
      resolve();
    }));
    proc.stdin!.on('error', () => {}); // a dead interpreter is reported by 'close'
    return proc;
  };
  const once = (args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string }): Promise<CliRun> => new Promise((resolve) => {
    const proc = child ?? (child = start());
    const timer = setTimeout(() => {
      settle(cliRun(-1, '', `aws ${args.join(' ')}: no answer in ${TIMEOUT_MS / 1000} s\n${diagnostics}`));
      proc.kill('SIGKILL'); // the next command starts a fresh interpreter
    }, TIMEOUT_MS);
    pending = { resolve, timer };
    proc.stdin!.write(`${JSON.stringify({ args, env: opts.env, cwd: opts.cwd })}\n`);
  });

  return {
    run(args, opts) {
      const result = queue.then(() => once(args, opts));
      queue = result;
      return result;
    },
    async close() {
      await queue;
      child?.stdin!.end();
      await exited;
    },
  };
}
