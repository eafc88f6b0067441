// Lambda Managed Instances vs classic environments at the same concurrency (8): invokes/s, latency, the
// environments used and their resident memory, for a no-op handler and one that awaits 50 ms (a call to a
// downstream service). Managed: one environment runs 8 at once (AWS's default 8 worker threads per CPU);
// classic: 8 environments. Prints a Markdown table. Run alone: `node bench/managed-instances.ts`.
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { DEFAULTS } from '../server/options.ts';
import { type Throughput, client, concurrent, descendants, discard, ms, post, procKb, runStandalone, table } from './lib.ts';

const TEMPLATE = fileURLToPath(new URL('./templates/managed.yaml', import.meta.url));
const CONCURRENCY = 8;

export interface ManagedConfig {
  noop: number;
  wait: number;
}

export const MANAGED_DEFAULTS: ManagedConfig = { noop: 2000, wait: 400 };

interface Row {
  name: string;
  thr: Throughput;
  environments: number;
  rssMb: number;
}

export async function managedInstances(cfg: ManagedConfig = MANAGED_DEFAULTS): Promise<string> {
  const eph = buildApp({ ...DEFAULTS, keepAlive: 600, isolation: 'process', template: TEMPLATE }, { output: discard, logger: pino({ level: 'silent' }) });
  await eph.app.listen({ port: 0, host: '127.0.0.1' });
  const address = eph.app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const pool = client(origin, CONCURRENCY);
  const rows: Row[] = [];
  try {
    for (const [fn, total] of [['noop-classic', cfg.noop], ['noop-managed', cfg.noop], ['wait-classic', cfg.wait], ['wait-managed', cfg.wait]] as const) {
      const path = `/2015-03-31/functions/${fn}/invocations`;
      const thr = await concurrent(() => post(pool, path), total, CONCURRENCY, Math.max(CONCURRENCY * 4, total / 10));
      const envs = eph.internals.pool.environments().filter((e) => e.fn.config.name === fn);
      const pids = envs.flatMap((e) => (e.pid ? [e.pid, ...descendants(e.pid)] : []));
      rows.push({ name: fn, thr, environments: envs.length, rssMb: pids.reduce((kb, pid) => kb + procKb(pid, 'status', 'VmRSS'), 0) / 1024 });
    }
  } finally {
    await pool.close();
    await eph.close();
  }
  return `Lambda Managed Instances vs classic environments, concurrency ${CONCURRENCY} (process isolation)\n\n${table(
    ['function', 'invokes/s', 'p50 ms', 'p99 ms', 'environments', 'resident MB'],
    rows.map((r) => [r.name, r.thr.perSecond.toFixed(0), ms(r.thr.latency.p50, 2), ms(r.thr.latency.p99, 2), String(r.environments), r.rssMb.toFixed(0)]),
  )}`;
}

if (import.meta.url === `file://${process.argv[1]}`) await runStandalone('managed-instances', () => managedInstances());
