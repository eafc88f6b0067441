// Response streaming, warm: time to the first streamed byte and to the end of a small streamed response
// (InvokeWithResponseStream and a RESPONSE_STREAM function URL) next to a buffered Invoke of a handler that
// does not stream; and a 10 MiB stream through Lambda's bandwidth rule (6 MiB burst, then 2 MiB/s).
// Run alone: `node bench/streaming.ts`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { DEFAULTS } from '../server/options.ts';
import { discard, ms, runStandalone, stats, table } from './lib.ts';

const TEMPLATE = fileURLToPath(new URL('../fixtures/templates/streaming.yaml', import.meta.url));
const SAMPLES = 300;
const WARMUP = 30;
const BULK_BYTES = 10 * 1024 * 1024;

/** Milliseconds to the first body byte and to the end of the body. */
async function timed(url: string, init: RequestInit): Promise<{ first: number; total: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const reader = res.body!.getReader();
  let first = 0;
  let bytes = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    if (first === 0) first = performance.now() - t0;
    bytes += next.value.length;
  }
  return { first, total: performance.now() - t0, bytes };
}

export async function streamingBench(): Promise<string> {
  const eph = buildApp({ ...DEFAULTS, keepAlive: 600, port: 0, template: TEMPLATE }, { output: discard, logger: pino({ level: 'silent' }) });
  try {
    await eph.app.listen({ port: 0, host: '127.0.0.1' });
    const address = eph.app.server.address();
    const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await eph.frontDoor.frontDoor.listen('127.0.0.1', 0);
    const urls = eph.frontDoor.frontDoor.describe().functionUrls;
    const urlOf = (fn: string): string => urls.find((u) => u.function === fn)!.url!;
    const post = { method: 'POST', body: '{}' };
    const cases: Array<[string, string, RequestInit]> = [
      ['Invoke, handler that does not stream (buffered)', `${origin}/2015-03-31/functions/plain/invocations`, post],
      ['InvokeWithResponseStream, 3 writes', `${origin}/2021-11-15/functions/gated/response-streaming-invocations`, post],
      ['RESPONSE_STREAM function URL, prelude + 2 writes', `${urlOf('http-stream')}b`, {}],
    ];
    const rows: string[][] = [];
    for (const [name, url, init] of cases) {
      for (let i = 0; i < WARMUP; i++) await timed(url, init);
      const samples = [];
      for (let i = 0; i < SAMPLES; i++) samples.push(await timed(url, init));
      const first = stats(samples.map((s) => s.first));
      const total = stats(samples.map((s) => s.total));
      rows.push([name, ms(first.p50), ms(first.p99), ms(total.p50), ms(total.p99)]);
    }
    await timed(`${origin}/2021-11-15/functions/bulk/response-streaming-invocations`, { method: 'POST', body: JSON.stringify({ bytes: 1024 }) });
    const bulk = await timed(`${origin}/2021-11-15/functions/bulk/response-streaming-invocations`, { method: 'POST', body: JSON.stringify({ bytes: BULK_BYTES }) });
    const expected = (BULK_BYTES - 6 * 1024 * 1024) / (2 * 1024 * 1024);
    return [
      `### Response streaming, warm (${SAMPLES} sequential after ${WARMUP} warm-up; Node's fetch as the client)`,
      '',
      table(['case', 'first byte p50 ms', 'first byte p99 ms', 'whole p50 ms', 'whole p99 ms'], rows),
      '',
      `- Bandwidth rule: a ${BULK_BYTES / 1048576} MiB stream took ${(bulk.total / 1000).toFixed(2)} s end to end (the rule alone: ${expected.toFixed(2)} s after the 6 MiB burst); `
        + `${(bulk.bytes / 1048576).toFixed(1)} MiB received (event-stream framing included).`,
      `- Load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}.`,
    ].join('\n');
  } finally {
    await eph.close();
  }
}

if (import.meta.main) await runStandalone('streaming', streamingBench);
