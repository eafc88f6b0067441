// The runtime client's own CPU per no-op invoke, without sockets: its invoke loop in one process
// against a fake client (bench/runtime-loop-child.mjs), leak tracking off and on, alternated. Hot
// caches and no system calls: it isolates the JavaScript/V8 work that tracking adds (deterministic
// to a few %), where bench/worker-cpu.ts measures a real worker, whose caches are cold after each
// wake-up (there the same work costs several times more).
//   node bench/runtime-loop-cpu.ts [--other <checkout>] [--rounds 7] [--invokes 100000]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnRuntimeClient } from '../test/helpers/runtime-settings.ts';
import { runStandalone, table } from './lib.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CHILD = join(ROOT, 'bench/runtime-loop-child.mjs');
const CLIENT = 'runtime-api/bootstrap/nodejs';

async function once(dir: string, leaks: boolean, invokes: number): Promise<number> {
  const child = spawnRuntimeClient(process.execPath, [CHILD, dir, String(invokes)], { env: { PATH: process.env.PATH } }, { leaks });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  child.stdout!.resume();
  await new Promise((r) => child.once('exit', r));
  const m = /\{"cpu":[^}]*\}/.exec(err);
  if (!m) throw new Error(`runtime loop failed: ${err}`);
  return (JSON.parse(m[0]) as { cpu: number }).cpu;
}

async function runtimeLoopCpu(): Promise<string> {
  const { values } = parseArgs({ options: { other: { type: 'string' }, rounds: { type: 'string', default: '7' }, invokes: { type: 'string', default: '100000' } } });
  const sides = [{ name: 'this checkout', dir: join(ROOT, CLIENT) }];
  if (values.other) sides.push({ name: values.other, dir: join(resolve(values.other), CLIENT) });
  const modes = sides.flatMap((s) => [false, true].map((leaks) => ({ ...s, leaks, cpu: [] as number[] })));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (let k = 0; k < modes.length; k++) {
      const m = modes[(round + k) % modes.length];
      m.cpu.push(await once(m.dir, m.leaks, Number(values.invokes)));
    }
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];
  const rows = modes.map((m) => [m.name, m.leaks ? 'on' : 'off', median(m.cpu).toFixed(2), `${Math.min(...m.cpu).toFixed(2)}–${Math.max(...m.cpu).toFixed(2)}`]);
  return [
    `### The runtime's invoke loop alone, in one process (no-op handler; median of ${values.rounds} runs × ${values.invokes} invokes, alternated)`,
    '',
    table(['runtime client', 'leak tracking', 'CPU µs per invoke', 'range'], rows),
  ].join('\n');
}

if (import.meta.main) await runStandalone('runtime-loop-cpu', runtimeLoopCpu);
