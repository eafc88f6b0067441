// What the web view's live feed costs a warm invoke: sequential no-op invokes with nobody on
// GET /_ephemera/events, then with one SSE client reading every event, alternated over several rounds
// (process isolation). The server's CPU per invoke is what a listener adds (JSON + a socket write per
// event: 4 environment events and 1 invocation record per warm invoke). Run: node bench/web-view-overhead.ts
import { request } from 'node:http';
import { INVOKE_PATH, client, discard, ms, post, runStandalone, sequential, startEmulator, stats, table } from './lib.ts';

const ROUNDS = 4;
const N = 1500;

/** An SSE client that counts the events it reads; close() ends it. */
function listen(origin: string): Promise<{ events: () => number; close: () => void }> {
  return new Promise((resolve, reject) => {
    let count = 0;
    const req = request(`${origin}/_ephemera/events`, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (count += chunk.split('\nevent: ').length - 1 + (chunk.startsWith('event: ') ? 1 : 0)));
      res.on('error', () => {});
      resolve({ events: () => count, close: () => req.destroy() });
    });
    req.on('error', (err) => (count >= 0 ? undefined : reject(err)));
    req.end();
  });
}

async function main(): Promise<string> {
  const em = await startEmulator('process', discard);
  if (typeof em === 'string') return `process isolation unavailable: ${em}`;
  const pool = client(em.origin, 1);
  const op = (): Promise<void> => post(pool, INVOKE_PATH);
  const results: Record<'off' | 'on', { p50: number[]; cpuUs: number[] }> = { off: { p50: [], cpuUs: [] }, on: { p50: [], cpuUs: [] } };
  let events = 0;
  try {
    await sequential(op, 0, 300);
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['off', 'on'] as const) {
        const sub = mode === 'on' ? await listen(em.origin) : undefined;
        const cpu0 = process.cpuUsage();
        const lat = await sequential(op, N, 50);
        const cpu = process.cpuUsage(cpu0);
        if (sub) {
          events += sub.events();
          sub.close();
        }
        results[mode].p50.push(stats(lat).p50);
        results[mode].cpuUs.push((cpu.user + cpu.system) / (N + 50));
      }
    }
  } finally {
    await pool.close();
    await em.close();
  }
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const row = (name: string, r: { p50: number[]; cpuUs: number[] }): string[] =>
    [name, ms(med(r.p50)), `${ms(Math.min(...r.p50))}–${ms(Math.max(...r.p50))}`, med(r.cpuUs).toFixed(0)];
  return [
    `Warm no-op invoke, process isolation, ${ROUNDS} alternated rounds of ${N} (client and server in this process; CPU is both):`,
    '',
    table(['/_ephemera/events', 'p50 ms (median)', 'p50 range', 'CPU µs per invoke'], [row('nobody listening', results.off), row('one SSE client', results.on)]),
    '',
    `events delivered to the SSE client: ${events} (${(events / (ROUNDS * (N + 50))).toFixed(1)} per invoke)`,
  ].join('\n');
}

await runStandalone('web-view-overhead', main);
