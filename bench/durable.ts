// Durable functions: what an execution costs on top of a plain invoke, through the real emulator with
// the official SDK (fixtures/templates/durable.yaml, time scaled so that waits do not count): a plain
// warm invoke, a one-step durable execution (one invocation, its checkpoints), and an execution that
// suspends on a wait and is replayed (two invocations). Sequential, warm environments. Run alone:
// `node bench/durable.ts`.
import { lstatSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { DEFAULTS } from '../server/options.ts';
import { client, discard, leftoverChildren, ms, post, runStandalone, sequential, sleep, stats, table } from './lib.ts';

const TEMPLATE = fileURLToPath(new URL('../fixtures/templates/durable.yaml', import.meta.url));
const CODE = fileURLToPath(new URL('../fixtures/functions/durable/', import.meta.url));
const MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));

export async function durableBench(n = 60, warmup = 5): Promise<string> {
  // The function folder's node_modules, as `npm install` would give it (the SDK is bundled from there).
  if (!lstatSync(`${CODE}node_modules`, { throwIfNoEntry: false })) symlinkSync(MODULES, `${CODE}node_modules`);
  const eph = buildApp({ ...DEFAULTS, keepAlive: 600, port: 0, timeScale: 0.0001, template: TEMPLATE }, { output: discard, logger: pino({ level: 'silent' }) });
  await eph.app.listen({ port: 0, host: '127.0.0.1' });
  const address = eph.app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  eph.listening(origin);
  const pool = client(origin, 1);
  const path = (fn: string): string => `/2015-03-31/functions/${encodeURIComponent(fn)}/invocations`;
  try {
    const rows: string[][] = [];
    const cases: Array<[string, string, string]> = [
      ['plain invoke (baseline)', 'plain-target', '1'],
      ['durable: one step (child:live)', 'child:live', '1'],
      ['durable: a wait, replayed (module-state)', 'module-state:$LATEST', '2'],
    ];
    for (const [name, fn, invocations] of cases) {
      const s = stats(await sequential(() => post(pool, path(fn)), n, warmup));
      rows.push([name, invocations, ms(s.p50, 2), ms(s.p90, 2), ms(s.p99, 2)]);
    }
    const executions = eph.internals.durable.executions.all().length;
    return `Durable executions, sequential, warm (${n} each after ${warmup} warm-up; ${executions} executions recorded)\n\n${table(
      ['case', 'invocations per call', 'p50 ms', 'p90 ms', 'p99 ms'], rows)}`;
  } finally {
    await pool.close();
    await eph.close();
    // esbuild's service process (it bundled the SDK into the handlers) may take a moment to exit after its stop.
    for (let i = 0; i < 20 && leftoverChildren().length > 0; i++) await sleep(100);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone('durable', () => durableBench());
