// Two versions of ephemera side by side in one process, invoked alternately (the order flipped every
// round) so that both see the same machine load at the same moment: warm invoke latency (no-op Node
// handler) and cold invoke latency, under one isolation level. On a shared, busy machine this tells a
// small difference apart where separate runs scatter too widely.
//   git worktree add /tmp/old <commit>   (or any checkout with node_modules)
//   node bench/interleaved-ab.ts /tmp/old [--isolation namespace] [--warm 3000] [--cold 20]
//     [--function noop-py --template bench/templates/bench.yaml] [--pool 1]
// --template (this checkout's path, used by both sides) and --function pick what is invoked; --pool N
// runs both with --sandbox-pool N and lets each cold start wait until a blank is waiting for it.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    isolation: { type: 'string', default: 'namespace' }, warm: { type: 'string', default: '3000' }, cold: { type: 'string', default: '20' },
    template: { type: 'string' }, function: { type: 'string', default: 'noop' }, pool: { type: 'string' },
  },
});
if (positionals.length !== 1) throw new Error('usage: node bench/interleaved-ab.ts <other checkout> [--isolation L] [--warm N] [--cold N]');
const sides = { other: positionals[0], this: fileURLToPath(new URL('..', import.meta.url)) };
type Side = keyof typeof sides;
const names: Side[] = ['other', 'this'];

interface PoolLike { environments(): unknown[]; shutdownEnvironment(e: unknown, why: string): Promise<void> }
/** The pool is `eph.internals.pool` since the feature modules, `eph.pool` before: either version can be compared. */
interface Em {
  url: string;
  lines: Array<{ fn: string; text: string }>;
  eph: { pool?: PoolLike; internals?: { pool: PoolLike; sandboxes?: { whenReady(): Promise<boolean>; assignedCount: number } } };
  stop(): Promise<void>;
}
const ems = {} as Record<Side, Em>;
const poolOption = values.pool === undefined ? {} : { sandboxPool: Number(values.pool) };
const template = values.template === undefined ? undefined : fileURLToPath(new URL(`../${values.template}`, import.meta.url));
for (const side of names) {
  const { startEmulator, fixture } = await import(`${sides[side]}/test/helpers/emulator.ts`);
  ems[side] = await startEmulator(template ?? fixture('templates/node-behaviours.yaml'), { isolation: values.isolation, ...poolOption });
}
const { request } = await import('undici');
const once = async (side: Side): Promise<number> => {
  const t = performance.now();
  await (await request(`${ems[side].url}/2015-03-31/functions/${values.function}/invocations`, { method: 'POST', body: '{}' })).body.text();
  return performance.now() - t;
};
const orders = (i: number): Side[] => (i % 2 ? ['other', 'this'] : ['this', 'other']);

const warm: Record<Side, number[]> = { other: [], this: [] };
const cold: Record<Side, number[]> = { other: [], this: [] };
try {
  for (let i = 0; i < 300; i++) for (const s of orders(i)) await once(s);
  for (let i = 0; i < Number(values.warm); i++) for (const s of orders(i)) warm[s].push(await once(s));
  for (let i = 0; i <= Number(values.cold); i++) {
    for (const s of orders(i)) {
      const pool = (ems[s].eph.internals?.pool ?? ems[s].eph.pool)!;
      await Promise.all(pool.environments().map((e) => pool.shutdownEnvironment(e, 'interleaved-ab')));
      if (values.pool !== undefined && Number(values.pool) > 0) await ems[s].eph.internals?.sandboxes?.whenReady();
      const t = await once(s);
      if (i > 0) cold[s].push(t); // the first cold start warms the page cache
    }
  }
} finally {
  for (const s of names) await ems[s].stop();
}
const q = (a: number[], p: number): string => (a.length === 0 ? '–' : [...a].sort((x, y) => x - y)[Math.floor(a.length * p)].toFixed(3));
/** REPORT Init Duration of the timed cold starts. */
const inits = (s: Side): number[] => ems[s].lines.filter((l) => l.fn === values.function && l.text.startsWith('REPORT '))
  .flatMap((l) => /Init Duration: ([\d.]+) ms/.exec(l.text)?.[1] ?? []).map(Number).slice(-Number(values.cold));
console.log(`| version | warm p50 ms | warm p90 ms | warm p99 ms | cold median ms | cold p90 ms | Init Duration median ms | cold starts from a blank |\n|---|---|---|---|---|---|---|---|`);
for (const s of names) {
  const what = `${values.function}, ${values.isolation}${values.pool === undefined ? '' : `, --sandbox-pool ${values.pool}`}`;
  console.log(`| ${s === 'this' ? 'this checkout' : sides.other} (${what}) | ${q(warm[s], 0.5)} | ${q(warm[s], 0.9)} | ${q(warm[s], 0.99)} | ${q(cold[s], 0.5)} | ${q(cold[s], 0.9)} | ${q(inits(s), 0.5)} | ${ems[s].eph.internals?.sandboxes?.assignedCount ?? '–'} |`);
}
