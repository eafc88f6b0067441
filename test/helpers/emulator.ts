// Integration-test harness: a real emulator (buildApp) on 127.0.0.1:0 with a template from
// fixtures/, function output captured in memory, an invoke helper, and an orphan-process check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { buildApp, type Ephemera } from '../../server/app.ts';
import type { OutputSink } from '../../server/environment/function-log.ts';
import { DEFAULTS, type Options } from '../../server/options.ts';
import { detectIsolation, type IsolationLevel } from '../../server/environment/isolation.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const fixture = (...p: string[]): string => join(ROOT, 'fixtures', ...p);

export interface InvokeResponse {
  status: number;
  headers: Headers;
  body: string;
  json: () => unknown;
}

export interface TestEmulator {
  eph: Ephemera;
  url: string;
  lines: Array<{ fn: string; env: string; text: string }>;
  invoke(fn: string, payload?: unknown, init?: { headers?: Record<string, string>; query?: string; raw?: string | Buffer }): Promise<InvokeResponse>;
  /** Every PID the emulator's environments have had, with their descendants seen so far. */
  pids(): number[];
  /** The REPORT line of a request (written just after the answer, once the runtime is back at next). */
  report(requestId: string | null): Promise<string>;
  stop(): Promise<void>;
  /** Stop, then wait (up to 5 s) for every PID the emulator ever had to be gone; returns those still alive. */
  stopChecked(): Promise<number[]>;
}

/** A logger whose messages a test can read (the emulator's own log: start-up warnings, builds...). */
export function capturingLogger(): { logger: pino.Logger; messages: Array<{ level: number; msg: string }> } {
  const messages: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'info' }, {
    write: (line: string) => {
      const { level, msg } = JSON.parse(line) as { level: number; msg: string };
      messages.push({ level, msg });
    },
  });
  return { logger, messages };
}

/**
 * `clock`: the emulator's time (a ManualClock with `realTime: true` lets a test skip AWS's long waits);
 * `logger`: the emulator's own log (capturingLogger), silent by default.
 */
export async function startEmulator(template: string, options: Partial<Options> = {}, with_: { clock?: Clock; logger?: pino.Logger } = {}): Promise<TestEmulator> {
  const lines: TestEmulator['lines'] = [];
  const output: OutputSink = { line: (fn, env, text) => lines.push({ fn, env, text }) };
  const eph = buildApp({ ...DEFAULTS, keepAlive: 60, port: 0, ...options, template }, { output, logger: with_.logger ?? pino({ level: 'silent' }), clock: with_.clock });
  await eph.app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = eph.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  eph.listening(url);
  await eph.ready;
  const seen = new Set<number>();
  const track = (): void => {
    for (const env of eph.internals.pool.environments()) {
      if (env.pid && env.pid > 0) {
        seen.add(env.pid);
        for (const p of descendants(env.pid)) seen.add(p);
      }
    }
  };
  const timer = setInterval(track, 50);
  const em: TestEmulator = {
    eph,
    url,
    lines,
    async invoke(fn, payload, init = {}) {
      track();
      const q = init.query ? `?${init.query}` : '';
      const body = init.raw ?? (payload === undefined ? '' : JSON.stringify(payload));
      const res = await fetch(`${url}/2015-03-31/functions/${encodeURIComponent(fn)}/invocations${q}`, {
        method: 'POST', body, headers: init.headers,
      });
      const text = await res.text();
      track();
      return { status: res.status, headers: res.headers, body: text, json: () => JSON.parse(text) };
    },
    pids() {
      track();
      return [...seen];
    },
    report(requestId) {
      return waitFor(() => lines.find((l) => l.text.startsWith(`REPORT RequestId: ${requestId}\t`))?.text, 5000);
    },
    async stop() {
      track();
      clearInterval(timer);
      await eph.close();
    },
    async stopChecked() {
      const pids = em.pids();
      await em.stop();
      if (pids.length === 0) throw new Error('the emulator never had a process: nothing was tested');
      return waitFor(() => pids.every((p) => !isAlive(p)) && ([] as number[]), 5000).catch(() => pids.filter(isAlive));
    },
  };
  return em;
}

export function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').split(' ')) {
      if (c) out.push(Number(c), ...descendants(Number(c)));
    }
  } catch {
    // gone
  }
  return out;
}

/** A process's pid in its own (innermost) PID namespace: what it sees as process.pid. */
function innerPid(pid: number): number | undefined {
  try {
    const line = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1];
    return line ? Number(line.trim().split(/\s+/).at(-1)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The host pid of the process under `root` that sees itself as `inside` (a function's own
 * process.pid: under namespace isolation, its PID namespace's number).
 */
export function hostPidUnder(root: number, inside: number): number | undefined {
  return [root, ...descendants(root)].find((pid) => innerPid(pid) === inside);
}

/** The host pid of the process that is `inside` in the (only) environment of `fn` that has one. */
export function hostPid(em: TestEmulator, fn: string, inside: number): number {
  const found = em.eph.internals.pool.environments().filter((e) => e.fn.config.name === fn && e.pid)
    .map((e) => hostPidUnder(e.pid!, inside)).filter((p) => p !== undefined);
  if (found.length !== 1) throw new Error(`${found.length} processes of ${fn} see themselves as pid ${inside}`);
  return found[0];
}

/** A PID still running (zombies awaiting their reaper do not count). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The events a function logged as `EVENT <json>` lines (fixtures/functions/log-event), parsed. */
export function loggedEvents(em: Pick<TestEmulator, 'lines'>, fn: string): any[] {
  return em.lines.filter((l) => l.fn === fn && l.text.includes('\tEVENT ')).map((l) => JSON.parse(l.text.slice(l.text.indexOf('\tEVENT ') + 7)));
}

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitFor: condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** /proc/<pid>/stat state letter: R, S, T (stopped), Z... */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Why namespace isolation cannot run on this machine ('' when it can). */
export const namespaceUnavailable: string = (() => {
  try {
    return detectIsolation('namespace').level === 'namespace' ? '' : 'not selected';
  } catch (err) {
    return (err as Error).message;
  }
})();

/** The isolation levels this machine can run: process, and namespace where a mount namespace can be made. */
export function isolationLevels(): IsolationLevel[] {
  if (namespaceUnavailable) console.warn(`namespace isolation tests skipped: ${namespaceUnavailable}`);
  return namespaceUnavailable ? ['process'] : ['process', 'namespace'];
}
