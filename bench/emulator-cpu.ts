// The emulator's own CPU per invoke, interleaved: the real `ephemera start` of this checkout and of
// others (any checkout with node_modules), each with a no-op Node function, invoked in rounds whose order
// turns every round, so that every side sees the same load on a shared VM. CPU is each process's
// scheduler time (/proc/<pid>/task/*/schedstat, nanoseconds; not 10 ms ticks), the emulator's threads
// apart from its environments' processes.
//   node bench/emulator-cpu.ts [--other <checkout>]... [--isolation process|namespace] [--conc 8]
//        [--rounds 8] [--per 2000] [--leaks warn|off] [--gap-ms 0] [--node-arg <flag>]... (this side only, e.g. --cpu-prof)
// --gap-ms N: each connection waits N ms after each invoke (every invoke then thaws a frozen environment).
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_TEMPLATE, INVOKE_PATH, client, descendants, post, runStandalone, startCli, table } from './lib.ts';

const ROOT = resolve(import.meta.dirname, '..');
const WARMUP = 100; // invokes per connection before the first round

interface Side {
  name: string;
  pid: number;
  origin: string;
  /** Nanoseconds on CPU, summed per round. */
  emulatorNs: number[];
  workerNs: number[];
  stop(): Promise<void>;
}

/** Nanoseconds a process has run, all its threads (the first field of each task's schedstat). */
function cpuNs(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
      } catch {
        // the thread ended
      }
    }
  } catch {
    // gone
  }
  return ns;
}

async function start(name: string, checkout: string, isolation: string, leaks: string, nodeArgs: string[]): Promise<Side> {
  const cli = await startCli([
    '--template', BENCH_TEMPLATE, '--port', '0', '--api-port', '0', '--isolation', isolation, '--leaks', leaks, '--keep-alive', '600',
  ], checkout, nodeArgs);
  return { name, pid: cli.pid, origin: cli.origin, emulatorNs: [], workerNs: [], stop: cli.stop };
}

/** `gapMs` > 0: each connection pauses between its invokes, so that every environment is frozen and thawed each time. */
async function drive(origin: string, conc: number, invokes: number, gapMs = 0): Promise<void> {
  const pool = client(origin, conc);
  let left = invokes;
  try {
    await Promise.all(Array.from({ length: conc }, async () => {
      while (left-- > 0) {
        await post(pool, INVOKE_PATH);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    }));
  } finally {
    await pool.close();
  }
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function emulatorCpu(): Promise<string> {
  const { values } = parseArgs({
    options: {
      other: { type: 'string', multiple: true, default: [] }, isolation: { type: 'string', default: 'process' },
      conc: { type: 'string', default: '8' }, rounds: { type: 'string', default: '8' }, per: { type: 'string', default: '2000' },
      leaks: { type: 'string', default: 'warn' }, 'node-arg': { type: 'string', multiple: true, default: [] },
      'gap-ms': { type: 'string', default: '0' },
    },
  });
  const conc = Number(values.conc);
  const per = Number(values.per);
  const loads = [loadavg()];
  const sides: Side[] = [];
  try {
    sides.push(await start('this checkout', ROOT, values.isolation, values.leaks, values['node-arg']));
    for (const other of values.other) sides.push(await start(other, resolve(other), values.isolation, values.leaks, []));
    for (const s of sides) await drive(s.origin, conc, conc * WARMUP);
    for (let round = 0; round < Number(values.rounds); round++) {
      for (let k = 0; k < sides.length; k++) {
        const s = sides[(round + k) % sides.length];
        const workers = descendants(s.pid);
        const e0 = cpuNs(s.pid);
        const w0 = workers.reduce((a, p) => a + cpuNs(p), 0);
        await drive(s.origin, conc, per, Number(values['gap-ms']));
        s.emulatorNs.push(cpuNs(s.pid) - e0);
        s.workerNs.push(workers.reduce((a, p) => a + cpuNs(p), 0) - w0);
      }
      loads.push(loadavg());
    }
  } finally {
    await Promise.all(sides.map((s) => s.stop()));
  }
  const us = (ns: number): string => (ns / per / 1000).toFixed(0);
  // Against this checkout, round by round (both ran within seconds of each other): the median difference.
  const paired = (s: Side): string => (s === sides[0] ? '–' : us(median(s.emulatorNs.map((ns, i) => ns - sides[0].emulatorNs[i]))));
  const rows = sides.map((s) => [
    s.name, us(median(s.emulatorNs)), `${us(Math.min(...s.emulatorNs))}–${us(Math.max(...s.emulatorNs))}`, paired(s), us(median(s.workerNs)),
    s.emulatorNs.map(us).join(' '),
  ]);
  return [
    `### Emulator CPU per invoke (${values.isolation} isolation, leaks ${values.leaks}, concurrency ${conc}${values['gap-ms'] !== '0' ? `, ${values['gap-ms']} ms between a connection's invokes` : ''}; ${values.rounds} rounds × ${per} invokes per side, interleaved)`,
    '',
    table(['side', 'emulator µs (median round)', 'range', 'minus this checkout, same round (median)', 'environment µs (median)', 'rounds'], rows),
    '',
    `- Load average (1, 5, 15 min) at the start and after each round: ${loads.join(' → ')}.`,
  ].join('\n');
}

if (import.meta.main) await runStandalone('emulator-cpu', emulatorCpu);
