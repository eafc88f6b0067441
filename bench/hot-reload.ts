// Hot reload (--watch): time from saving a handler to the first invoke that runs the new code,
// for a JavaScript and a TypeScript handler (esbuild bundle at cold start), per isolation level.
// The client invokes in a loop after each save until the answer carries the new version.
// Run alone: `node bench/hot-reload.ts`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp, type Ephemera } from '../server/app.ts';
import { IsolationUnavailableError, type IsolationLevel } from '../server/environment/isolation.ts';
import { DEFAULTS } from '../server/options.ts';
import { discard, isolationLevels, ms, runStandalone, sleep, type Stats, stats, table } from './lib.ts';

export interface ReloadConfig {
  runs: number;
}

export const RELOAD_DEFAULTS: ReloadConfig = { runs: 10 };

const SOURCES = {
  js: { file: 'index.mjs', text: (v: string) => `export const handler = async () => ({ version: '${v}' });\n` },
  ts: { file: 'index.ts', text: (v: string) => `type R = { version: string };\nexport const handler = async (): Promise<R> => ({ version: '${v}' });\n` },
};

interface Row {
  name: string;
  total: Stats;
  detect: Stats;
  stale: number;
}

async function measure(kind: 'js' | 'ts', isolation: IsolationLevel, runs: number): Promise<Row | string> {
  const dir = mkdtempSync(join(tmpdir(), 'ephemera-bench-reload-'));
  const src = SOURCES[kind];
  const code = join(dir, 'code');
  mkdirSync(code);
  writeFileSync(join(code, src.file), src.text('v0'));
  writeFileSync(join(dir, 'template.yaml'), [
    'Resources:',
    '  Fn:',
    '    Type: AWS::Serverless::Function',
    '    Properties: { FunctionName: reload, CodeUri: code, Handler: index.handler, Runtime: nodejs24.x, Timeout: 10 }',
  ].join('\n'));
  process.env.EPHEMERA_CACHE_DIR = join(dir, 'cache');
  let eph: Ephemera;
  try {
    eph = buildApp({ ...DEFAULTS, template: join(dir, 'template.yaml'), isolation, watch: true, keepAlive: 600 }, { output: discard, logger: pino({ level: 'silent' }) });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    if (err instanceof IsolationUnavailableError) return err.message;
    throw err;
  }
  try {
    await eph.app.listen({ port: 0, host: '127.0.0.1' });
    await eph.watcher!.ready;
    const address = eph.app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/2015-03-31/functions/reload/invocations`;
    const version = async (): Promise<string> => ((await (await fetch(url, { method: 'POST', body: '{}' })).json()) as { version: string }).version;
    let reloadedAt = 0;
    eph.watcher!.onReload(() => (reloadedAt = performance.now()));
    if ((await version()) !== 'v0') throw new Error('the first invoke did not run v0');
    const totals: number[] = [];
    const detects: number[] = [];
    let stale = 0;
    for (let i = 1; i <= runs + 1; i++) {
      reloadedAt = 0;
      const saved = performance.now();
      writeFileSync(join(code, src.file), src.text(`v${i}`));
      for (let tries = 0; ; tries++) {
        if ((await version()) === `v${i}`) break;
        if (tries > 5000) throw new Error(`v${i} never ran`);
        stale++;
      }
      const total = performance.now() - saved;
      if (i > 1) { // the first run warms the watcher and esbuild up
        totals.push(total);
        detects.push(reloadedAt - saved);
      }
      await sleep(100);
    }
    return { name: `${kind === 'js' ? 'JavaScript (index.mjs)' : 'TypeScript (index.ts, esbuild)'}, ${isolation}`, total: stats(totals), detect: stats(detects), stale };
  } finally {
    await eph.close();
    delete process.env.EPHEMERA_CACHE_DIR;
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function hotReload(cfg: ReloadConfig = RELOAD_DEFAULTS): Promise<string> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const isolation of isolationLevels()) {
    for (const kind of ['js', 'ts'] as const) {
      const r = await measure(kind, isolation, cfg.runs);
      if (typeof r === 'string') {
        notes.push(`- ${isolation} skipped: ${r}`);
        break;
      }
      rows.push(r);
    }
  }
  return [
    `### Hot reload (--watch): save → first invoke running the new code (${cfg.runs} saves each after one untimed save)`,
    '',
    table(
      ['handler, isolation', 'median ms', 'p90 ms', 'min ms', 'save → reload logged, median ms', 'stale invokes (all runs)'],
      rows.map((r) => [r.name, ms(r.total.p50, 1), ms(r.total.p90, 1), ms(r.total.min, 1), ms(r.detect.p50, 1), String(r.stale)]),
    ),
    '',
    '- The time includes the file-system event, the 50 ms debounce, retiring the old environment and the cold start '
      + '(for TypeScript: hashing the inputs and bundling with esbuild). Stale invokes are answered by the old code '
      + 'while the change is being noticed (the client invokes back to back).',
    ...notes,
  ].join('\n');
}

if (import.meta.main) await runStandalone('hot-reload', hotReload);
