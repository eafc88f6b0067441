// What an environment's CPU per invoke cannot go below on this machine, measured alone: one HTTP-sized
// request/answer round trip between two Node processes over loopback TCP and over a Unix socket (each
// side's write, read and epoll, nothing else), and the CPU an idle Node process spends being stopped and
// continued (the freeze between invokes) with Node's default threads and with the emulator's flags.
//   node bench/kernel-costs.ts            (child roles: `pong <tcp|unix>`, `idle`)
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuTicks, runStandalone, table } from './lib.ts';

const SELF = import.meta.filename;
const TICK_US = 10_000;
const MESSAGE = 'POST /2018-06-01/runtime/invocation/1/response HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';
const ROUND_TRIPS = 20_000;
const CYCLES = 3_000;

const ready = (c: ChildProcess): Promise<string> => new Promise((ok) => c.stdout!.once('data', (d: Buffer) => ok(d.toString().trim())));
const exited = (c: ChildProcess): Promise<void> => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r())));

/** Child: answers every message with one of its own (net's onread into one buffer, as the runtime reads). */
function pong(kind: string): void {
  const path = join(tmpdir(), `ephemera-kernel-costs-${process.pid}.sock`);
  const server = createServer((s) => {
    s.setNoDelay?.(true);
    s.on('data', () => s.write(MESSAGE));
  });
  const listening = (): void => void process.stdout.write(`${kind === 'tcp' ? (server.address() as { port: number }).port : path}\n`);
  if (kind === 'tcp') server.listen(0, '127.0.0.1', listening);
  else server.listen(path, listening);
  process.stdin.resume().on('end', () => {
    rmSync(path, { force: true });
    process.exit(0);
  });
}

/** This process sends, the child answers, ROUND_TRIPS times back to back: CPU per round trip per side. */
async function roundTrips(kind: 'tcp' | 'unix'): Promise<string[]> {
  const child = spawn(process.execPath, [SELF, 'pong', kind], { stdio: ['pipe', 'pipe', 'inherit'] });
  const where = await ready(child);
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let left = ROUND_TRIPS + 1_000; // the first 1,000 warm up
  let c0 = 0;
  let u0 = process.cpuUsage();
  const next = (): void => {
    if (left === ROUND_TRIPS) {
      c0 = cpuTicks(child.pid!);
      u0 = process.cpuUsage();
    }
    if (left-- === 0) return done();
    socket.write(MESSAGE);
  };
  const onread = { buffer: Buffer.allocUnsafe(64 * 1024), callback: (): boolean => (next(), true) };
  const socket = kind === 'tcp' ? connect({ host: '127.0.0.1', port: Number(where), onread }, next) : connect({ path: where, onread }, next);
  socket.setNoDelay?.(true);
  await finished;
  const self = process.cpuUsage(u0);
  const other = ((cpuTicks(child.pid!) - c0) * TICK_US) / ROUND_TRIPS;
  socket.destroy();
  child.stdin!.end();
  await exited(child);
  return [`round trip, ${kind === 'tcp' ? 'loopback TCP' : 'Unix socket'}`, ((self.user + self.system) / ROUND_TRIPS).toFixed(1), other.toFixed(1)];
}

const state = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat[stat.lastIndexOf(')') + 2];
};

/** An idle Node process (a listening socket, a timer) stopped and continued CYCLES times: its CPU per cycle. */
async function stopContinue(flags: string[]): Promise<string[]> {
  const child = spawn(process.execPath, [...flags, SELF, 'idle'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await ready(child);
  const threads = Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${child.pid}/status`, 'latin1'))?.[1]);
  const until = (want: string): void => {
    while (state(child.pid!) !== want); // the process has stopped / is running again
  };
  const t0 = cpuTicks(child.pid!);
  for (let i = 0; i < CYCLES; i++) {
    process.kill(child.pid!, 'SIGSTOP');
    until('T');
    process.kill(child.pid!, 'SIGCONT');
    until('S');
  }
  const per = ((cpuTicks(child.pid!) - t0) * TICK_US) / CYCLES;
  child.kill('SIGKILL');
  await exited(child);
  return [`stop + continue, idle Node, ${threads} threads${flags.length ? ` (${flags.join(' ')})` : ''}`, '–', per.toFixed(1)];
}

async function kernelCosts(): Promise<string> {
  const rows = [await roundTrips('tcp'), await roundTrips('unix'), await stopContinue([]), await stopContinue(['--v8-pool-size=1']), await stopContinue(['--v8-pool-size=1', '--disable-sigusr1'])];
  return [
    `### Kernel costs, measured alone (${ROUND_TRIPS} round trips; ${CYCLES} stop/continue cycles)`,
    '',
    table(['what', 'sender µs', 'other process µs'], rows),
    '',
    '- A round trip here runs back to back (hot caches, no sleeping): an invoke\'s two round trips, each side woken from',
    '  epoll in between and sharing two cores with other processes, cost several times as much.',
  ].join('\n');
}

if (import.meta.main) {
  if (process.argv[2] === 'pong') pong(process.argv[3]);
  else if (process.argv[2] === 'idle') {
    createServer().listen(0, '127.0.0.1', () => process.stdout.write('ready\n'));
    process.stdin.resume();
  } else await runStandalone('kernel-costs', kernelCosts);
}
