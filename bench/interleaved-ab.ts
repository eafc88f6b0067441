// Two versions of ephemera side by side in one process, invoked alternately (the order flipped every
// round) so that both see the same machine load at the same moment: warm invoke latency (no-op Node
// handler) and cold invoke latency, under one isolation level. On a shared, busy machine this tells a
// small difference apart where separate runs scatter too widely.
//   git worktree add /tmp/old <commit>   (or any checkout with node_modules)
//   node bench/interleaved-ab.ts /tmp/old [--isolation namespace] [--warm 3000] [--cold 20]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { isolation: { type: 'string', default: 'namespace' }, warm: { type: 'string', default: '3000' }, cold: { type: 'string', default: '20' } },
});
if (positionals.length !== 1) throw new Error('usage: node bench/interleaved-ab.ts <other checkout> [--isolation L] [--warm N] [--cold N]');
const sides = { other: positionals[0], this: fileURLToPath(new URL('..', import.meta.url)) };
type Side = keyof typeof sides;
const names: Side[] = ['other', 'this'];

interface PoolLike { environments(): unknown[]; shutdownEnvironment(e: unknown, why: string): Promise<void> }
/** The pool is `eph.internals.pool` since the feature modules, `eph.pool` before: either version can be compared. */
interface Em { url: string; eph: { pool?: PoolLike; internals?: { pool: PoolLike } }; stop(): Promise<void> }
const ems = {} as Record<Side, Em>;
for (const side of names) {
  const { startEmulator, fixture } = await import(`${sides[side]}/test/helpers/emulator.ts`);
  ems[side] = await startEmulator(fixture('templates/node-behaviours.yaml'), { isolation: values.isolation });
}
const { request } = await import('undici');
const once = async (side: Side): Promise<number> => {
  const t = performance.now();
  await (await request(`${ems[side].url}/2015-03-31/functions/noop/invocations`, { method: 'POST', body: '{}' })).body.text();
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
      const t = await once(s);
      if (i > 0) cold[s].push(t); // the first cold start warms the page cache
    }
  }
} finally {
  for (const s of names) await ems[s].stop();
}
const q = (a: number[], p: number): string => [...a].sort((x, y) => x - y)[Math.floor(a.length * p)].toFixed(3);
console.log(`| version | warm p50 ms | warm p90 ms | warm p99 ms | cold median ms | cold p90 ms |\n|---|---|---|---|---|---|`);
for (const s of names) {
  console.log(`| ${s === 'this' ? 'this checkout' : sides.other} (${values.isolation}) | ${q(warm[s], 0.5)} | ${q(warm[s], 0.9)} | ${q(warm[s], 0.99)} | ${q(cold[s], 0.5)} | ${q(cold[s], 0.9)} |`);
}
