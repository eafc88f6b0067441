// What an invoke's parts cost the emulator alone, the kernel's share included: a freeze and thaw (SIGSTOP,
// then SIGCONT) of an idle Node runtime, both sides, with 1 or 8 children of the signaller (SIGCHLD makes
// libuv waitpid each); one loopback HTTP/1.1 round trip (node:http or a bare socket on either side, server
// and client CPU apart); the /proc reads an invoke's report makes. bench/kernel-costs.ts has the environment's
// side. Run alone: `node bench/emulator-costs.ts` (BENCH_KERNEL_N round trips / pairs per row, default 20000).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { type IncomingMessage, Agent, createServer, request } from 'node:http';
import { type AddressInfo, type Socket, connect, createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { subreaperPrefix, withSubreaper } from '../server/environment/subreaper.ts';
import { DIES_WITH_US, cpuTicks, runStandalone, table } from './lib.ts';

const SELF = fileURLToPath(import.meta.url);
const N = Number(process.env.BENCH_KERNEL_N ?? 20_000);
const TICK_US = 10_000;
const BODY = '{}';
/** What a bare server answers to every request: a complete keep-alive response of a known length. */
const RAW_RESPONSE = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\nConnection: keep-alive\r\n\r\n${BODY}`;
const RAW_REQUEST = 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/** Server side, in a child process: node:http, or a socket that answers each request's head with RAW_RESPONSE. */
function runServer(kind: string): void {
  const ready = (port: number): void => void process.stdout.write(`${port}\n`);
  if (kind === 'http') {
    const server = createServer({ keepAlive: true, noDelay: true }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': BODY.length });
      res.end(BODY);
    });
    server.keepAliveTimeout = 0;
    server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));
  } else {
    const server = createNetServer({ noDelay: true }, (sock) => {
      let pending = '';
      sock.setEncoding('latin1').on('data', (d: string) => {
        pending += d;
        for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
          pending = pending.slice(end + 4);
          sock.write(RAW_RESPONSE);
        }
      });
    });
    server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));
  }
  process.stdin.resume().on('end', () => process.exit(0));
}

async function startServer(kind: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [SELF, 'server', kind], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { child, port };
}

const stopChild = (child: ChildProcess): Promise<void> => new Promise((r) => {
  child.once('exit', () => r());
  child.stdin!.end();
});

/** One round trip per call by a bare socket (the cheapest client): writes a request, waits for `length` bytes. */
function bareClient(port: number, length: number): { trip(): Promise<void>; close(): void } {
  const sock: Socket = connect({ port, host: '127.0.0.1', noDelay: true });
  sock.setEncoding('latin1');
  let got = 0;
  let done: (() => void) | undefined;
  sock.on('data', (d: string) => {
    got += d.length;
    if (got >= length && done) {
      got -= length;
      const f = done;
      done = undefined;
      f();
    }
  });
  return {
    trip: () => new Promise<void>((resolve) => {
      done = resolve;
      sock.write(RAW_REQUEST);
    }),
    close: () => sock.destroy(),
  };
}

/** The same through node:http's client and a keep-alive agent. */
function httpClient(port: number): { trip(): Promise<void>; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    trip: () => new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/2018-06-01/runtime/invocation/next', agent }, (res: IncomingMessage) => {
        res.resume().on('end', resolve);
      }).on('error', reject).end();
    }),
    close: () => agent.destroy(),
  };
}

/** The length of the server's answer (node:http's carries a Date header, of constant length). */
function answerLength(port: number): Promise<number> {
  const probe = connect({ port, host: '127.0.0.1' });
  return new Promise<number>((resolve) => {
    let text = '';
    probe.setEncoding('latin1').on('data', (d: string) => {
      text += d;
      const head = text.indexOf('\r\n\r\n');
      if (head >= 0 && text.length >= head + 4 + BODY.length) {
        probe.destroy();
        resolve(text.length);
      }
    });
    probe.write(RAW_REQUEST);
  });
}

async function roundTrips(server: string, clientKind: string): Promise<string[]> {
  const { child, port } = await startServer(server);
  try {
    const c = clientKind === 'bare' ? bareClient(port, await answerLength(port)) : httpClient(port);
    for (let i = 0; i < 2000; i++) await c.trip();
    const s0 = cpuTicks(child.pid!);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await c.trip();
    const wall = performance.now() - t0;
    const cu = process.cpuUsage(c0);
    const s1 = cpuTicks(child.pid!);
    c.close();
    const name = `HTTP round trip: ${server === 'http' ? 'node:http' : 'bare socket'} server ← ${clientKind === 'bare' ? 'bare socket' : 'node:http Agent'} client`;
    return [name, (((s1 - s0) * TICK_US) / N).toFixed(1), ((cu.user + cu.system) / N).toFixed(1), (cu.system / N).toFixed(1), ((wall * 1000) / N).toFixed(1)];
  } finally {
    await stopChild(child);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU time of every thread of `pid`, ns (schedstat: exact where /proc/<pid>/stat counts 10 ms ticks). */
function threadsCpuNs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
  return ns;
}

/**
 * SIGSTOP of an idle Node process's group, then (once it has stopped) SIGCONT, as a freeze and a thaw
 * between invokes; `children` idle Node children of ours in all (the emulator's environments under
 * process isolation). A stopped or continued child sends its parent SIGCHLD, and libuv then calls
 * waitpid on every child it has: "this side" includes that, less the same loop without signals.
 * `kept`: every child is process isolation's keeper (subreaper.ts) and the signalled group its child,
 * as the emulator starts runtimes now: the SIGCHLD goes to the keeper.
 */
async function signalPair(children: number, kind: 'node' | 'sleep' = 'node', kept = false): Promise<string[]> {
  const command = (i: number): string[] => (i === 0 && kind === 'sleep' ? ['sleep', '1000'] : [process.execPath, '-e', 'setInterval(() => {}, 1000)']);
  // A keeper's child dies with the keeper (PDEATHSIG), the keeper (or a plain child) with us.
  const argv = (i: number): string[] => [...DIES_WITH_US, ...(kept ? withSubreaper(subreaperPrefix(), {}, command(i)) : command(i))];
  const kids = Array.from({ length: children }, (_, i) => spawn(argv(i)[0], argv(i).slice(1), { stdio: 'ignore', detached: true }));
  await sleep(500);
  const pid = kept ? Number(readFileSync(`/proc/${kids[0].pid}/task/${kids[0].pid}/children`, 'latin1').trim()) : kids[0].pid!;
  const threads = readdirSync(`/proc/${pid}/task`).length;
  const n = Math.ceil(N / 200); // pairs per chunk; 10 chunks with signals, 10 without, alternating
  const chunk = async (signals: boolean): Promise<number> => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      if (signals) process.kill(-pid, 'SIGSTOP');
      await sleep(1);
      if (signals) process.kill(-pid, 'SIGCONT');
      await sleep(1);
    }
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  try {
    const extra: number[] = [];
    let stoppedNs = 0;
    for (let k = 0; k < 10; k++) {
      const empty = await chunk(false);
      const t0 = threadsCpuNs(pid);
      const signalled = await chunk(true);
      stoppedNs += threadsCpuNs(pid) - t0;
      extra.push((signalled - empty) / n);
    }
    const stopped = stoppedNs / 1000 / (10 * n);
    const self = extra.sort((a, b) => a - b)[5];
    const what = kind === 'node' ? 'an idle Node process' : '`sleep`';
    const whose = kept ? `keepers' children; ${children} keeper${children > 1 ? 's' : ''} (children) of the signaller` : `${children} child${children > 1 ? 'ren' : ''} of the signaller`;
    return [`SIGSTOP, then SIGCONT, of ${what} (${threads} thread${threads > 1 ? 's' : ''}; ${whose})`, stopped.toFixed(1), self.toFixed(1), '–', '–'];
  } finally {
    // A keeper's SIGKILL takes its child with it (PDEATHSIG).
    for (const k of kids) process.kill(-k.pid!, 'SIGKILL');
  }
}

async function procReads(): Promise<string[][]> {
  const [cmd, ...args] = [...DIES_WITH_US, process.execPath, '-e', 'setInterval(() => {}, 1000)'];
  const child = spawn(cmd, args, { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  const pid = child.pid!;
  const buf = Buffer.alloc(4096);
  const rows: string[][] = [];
  try {
    for (const file of [`task/${pid}/children`, 'stat', 'status']) {
      const fd = openSync(`/proc/${pid}/${file}`, 'r');
      const c0 = process.cpuUsage();
      for (let i = 0; i < N; i++) buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0));
      const c = process.cpuUsage(c0);
      closeSync(fd);
      rows.push([`pread of /proc/<pid>/${file.replace(String(pid), '<pid>')} (kept open)`, '–', ((c.user + c.system) / N).toFixed(1), (c.system / N).toFixed(1), '–']);
    }
  } finally {
    child.kill('SIGKILL');
  }
  return rows;
}

export async function emulatorCosts(): Promise<string> {
  const rows: string[][] = [await signalPair(1), await signalPair(8), await signalPair(1, 'sleep')];
  if (subreaperPrefix().length > 0) rows.push(await signalPair(1, 'node', true), await signalPair(8, 'node', true));
  for (const [server, client] of [['http', 'http'], ['http', 'bare'], ['bare', 'bare']]) rows.push(await roundTrips(server, client));
  rows.push(...(await procReads()));
  return [
    `### What an invoke's parts cost the emulator alone (${N} per row, sequential)`,
    '',
    table(['operation', 'other side µs', 'this side µs', 'of which kernel µs', 'wall µs'], rows),
    '',
    '- "this side": the process doing the operation (the signaller, the HTTP client, the /proc reader), from process.cpuUsage; '
      + '"other side": the HTTP server (a child process), from /proc/<pid>/stat in 10 ms ticks; the signalled process, every thread\'s '
      + '/proc/<pid>/task/<tid>/schedstat. Signal pairs: one per 2 ms (the process really stops and resumes), ' + `${Math.ceil(N / 200) * 10} of them; `
      + '"this side": the median over 10 chunks of the chunk\'s CPU less that of the same chunk without signals, run just before it.',
    '- Signals: a stopped or continued child sends its parent SIGCHLD; libuv then reads its signal pipe and calls waitpid on '
      + 'each of its children, so the signaller\'s cost grows with the number of environments. The emulator starts each runtime '
      + 'as a keeper\'s child (the "keepers\' children" rows): the SIGCHLD goes to the keeper.',
    '- A loopback TCP send runs the receiver\'s TCP input in the sender\'s system call: each side pays for its own writes\' delivery.',
  ].join('\n');
}

if (import.meta.main) {
  if (process.argv[2] === 'server') runServer(process.argv[3]);
  else await runStandalone('emulator-costs', emulatorCosts);
}
