// SnapStart: a cold invoke of a Python function whose INIT takes 1 s, restored from its snapshot (a fork
// of the initialised runtime, version 1) against a normal INIT ($LATEST), in the same run. Every
// environment is shut down before each cold invoke; the zygote stays. Run alone: `node bench/snapstart.ts`.
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { defaultRuntimes } from '../server/environment/runtimes.ts';
import { DEFAULTS } from '../server/options.ts';
import { client, ms, post, runStandalone, sleep, stats, table } from './lib.ts';

const TEMPLATE = fileURLToPath(new URL('./templates/snapstart.yaml', import.meta.url));

export interface SnapStartConfig {
  restoredRuns: number;
  initRuns: number;
}

export const SNAPSTART_DEFAULTS: SnapStartConfig = { restoredRuns: 10, initRuns: 5 };

export async function snapStartBench(cfg: SnapStartConfig = SNAPSTART_DEFAULTS): Promise<string> {
  const python = defaultRuntimes().resolve('python3.12');
  if ('error' in python) return `### SnapStart\n\nskipped: ${python.error}`;
  const reports: string[] = [];
  const eph = buildApp({ ...DEFAULTS, keepAlive: 600, isolation: 'process', template: TEMPLATE }, {
    output: { line: (_fn, _env, text) => void (text.startsWith('REPORT') && reports.push(text)) }, logger: pino({ level: 'silent' }),
  });
  await eph.app.listen({ port: 0, host: '127.0.0.1' });
  const address = eph.app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const http = client(origin, 1);
  const pool = eph.internals.pool;
  const field = (name: string): number[] => reports.map((r) => Number(new RegExp(`${name}: ([\\d.]+) ms`).exec(r)?.[1])).filter((n) => !Number.isNaN(n));
  try {
    const t0 = performance.now();
    await post(http, '/2015-03-31/functions/slow-init-py/invocations?Qualifier=live'); // waits for the snapshot taken at publish
    const firstMs = performance.now() - t0;
    const cold = async (qualifier: string, runs: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        await Promise.all(pool.environments().map((e) => pool.shutdownEnvironment(e, 'snapstart benchmark')));
        await sleep(5);
        const start = performance.now();
        await post(http, `/2015-03-31/functions/slow-init-py/invocations${qualifier}`);
        out.push(performance.now() - start);
      }
      return out;
    };
    reports.length = 0;
    const restored = stats(await cold('?Qualifier=live', cfg.restoredRuns));
    await sleep(50);
    const restore = stats(field('Restore Duration'));
    const billed = stats(field('Billed Restore Duration'));
    reports.length = 0;
    const initialised = stats(await cold('', cfg.initRuns));
    await sleep(50);
    const init = stats(field('Init Duration'));
    const out = table(
      ['cold invoke', 'runs', 'median ms', 'p90 ms', 'min ms', 'REPORT median ms'],
      [
        ['restored from the snapshot (version 1)', String(restored.n), ms(restored.p50, 1), ms(restored.p90, 1), ms(restored.min, 1),
          `Restore ${ms(restore.p50, 1)} (billed ${ms(billed.p50, 0)})`],
        ['normal INIT ($LATEST)', String(initialised.n), ms(initialised.p50, 1), ms(initialised.p90, 1), ms(initialised.min, 1), `Init ${ms(init.p50, 1)}`],
      ],
    );
    return [
      '### SnapStart cold start (Python handler with a 1 s INIT, process isolation)',
      '',
      out,
      '',
      `- The first invoke of version 1 waited for its snapshot, taken when the template published it (${ms(firstMs, 0)} ms after listening).`,
      '- Restored: the version\'s zygote forks a copy of its initialised interpreter; the copy runs the after-restore hooks and invokes. '
        + 'Normal INIT: a new interpreter imports the handler (1 s sleep included).',
    ].join('\n');
  } finally {
    await http.close();
    await eph.close();
  }
}

if (import.meta.main) await runStandalone('snapstart', () => snapStartBench());
