// The HTTP front door, warm: a no-op HTTP handler called through an HTTP API, a REST API and a
// function URL, next to a direct Invoke of the same handler and serverless-offline's `http` event,
// in the same run: p50/p99 and requests/s at concurrency 1 and 8. Run alone: `node bench/front-door.ts`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { DEFAULTS } from '../server/options.ts';
import type { Pool } from 'undici';
import { type Stats, client, concurrent, discard, ms, post, runStandalone, sequential, stats, table } from './lib.ts';
import { startOffline } from './serverless-offline.ts';
import { RouteTable } from '../server/front-door/route-match.ts';
import { buildV1Event } from '../server/front-door/rest-event.ts';
import { buildV2Event } from '../server/front-door/http-event.ts';
import { mapV1Response, mapV2Response } from '../server/front-door/response-mapping.ts';
import { newTraceId, restRequestId, shortRequestId } from '../server/front-door/gateway-ids.ts';
import type { RequestView } from '../server/front-door/request-view.ts';

const TEMPLATE = fileURLToPath(new URL('./templates/front-door.yaml', import.meta.url));

export interface FrontDoorBenchConfig {
  warmup: number;
  sequential: number;
  throughput: number;
  concurrency: number;
}

export const FRONT_DOOR_DEFAULTS: FrontDoorBenchConfig = { warmup: 300, sequential: 3000, throughput: 5000, concurrency: 8 };

interface Row {
  name: string;
  seq: Stats;
  rps1: number;
  rps8: number;
  c8: Stats;
}

interface Case {
  name: string;
  origin: string;
  path: string;
  /** Request body (default `{}`). */
  body?: string;
}

/** One POST that must answer 200; the body read in full. */
async function send(pool: Pool, c: Case): Promise<void> {
  if (c.body === undefined) return post(pool, c.path);
  const res = await pool.request({ path: c.path, method: 'POST', body: c.body, headers: { 'content-type': 'application/json' } });
  const text = await res.body.text();
  if (res.statusCode !== 200 || res.headers['x-amz-function-error']) throw new Error(`POST ${c.path} answered ${res.statusCode}: ${text.slice(0, 200)}`);
}

/**
 * Sequential latency of several cases interleaved request by request (the VM's drift and the other
 * load hit every case alike), then each case's throughput at concurrency 1 and `concurrency`.
 */
async function measure(cases: Case[], cfg: FrontDoorBenchConfig): Promise<Row[]> {
  const ones = cases.map((c) => client(c.origin, 1));
  const samples = cases.map(() => [] as number[]);
  try {
    for (let i = 0; i < cfg.warmup; i++) for (const [k, c] of cases.entries()) await send(ones[k], c);
    for (let i = 0; i < cfg.sequential; i++) {
      for (const [k, c] of cases.entries()) {
        const t0 = performance.now();
        await send(ones[k], c);
        samples[k].push(performance.now() - t0);
      }
    }
    const rows: Row[] = [];
    for (const [k, c] of cases.entries()) {
      const t0 = performance.now();
      await sequential(() => send(ones[k], c), cfg.sequential / 2, 0);
      const rps1 = cfg.sequential / 2 / ((performance.now() - t0) / 1000);
      const many = client(c.origin, cfg.concurrency);
      try {
        const thr = await concurrent(() => send(many, c), cfg.throughput, cfg.concurrency, cfg.warmup);
        rows.push({ name: c.name, seq: stats(samples[k]), rps1, rps8: thr.perSecond, c8: thr.latency });
      } finally {
        await many.close();
      }
    }
    return rows;
  } finally {
    await Promise.all(ones.map((o) => o.close()));
  }
}

/**
 * The front door's own CPU work per request, measured in-process and so independent of machine load:
 * parse the request's parts, route, build the 2.0 event, serialise it, map the handler's answer back.
 */
function ownWorkUs(n = 50_000): { v2: number; v1: number } {
  const view: RequestView = {
    method: 'POST', rawPath: '/bench', rawQuery: 'a=1&b=2', body: Buffer.from('{}'), sourceIp: '127.0.0.1', receivedAt: Date.now(),
    headers: [['host', '127.0.0.1:3000'], ['content-type', 'application/json'], ['user-agent', 'undici'], ['accept', '*/*'], ['content-length', '2']],
  };
  const table = new RouteTable([{ method: 'POST', path: '/bench' }, { method: 'ANY', path: '/{proxy+}' }]);
  const answer = Buffer.from('{"statusCode":200,"body":"{}"}');
  const time = (fn: () => void): number => {
    for (let i = 0; i < 5000; i++) fn();
    // CPU time, not wall time: other processes on the machine do not count.
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  const v2 = time(() => {
    const r = table.select('POST', view.rawPath);
    const e = buildV2Event(view, { accountId: '000000000000', apiId: 'abcdefghij', routeKey: 'POST /bench', stage: '$default', stageVariables: {}, rawPath: '/bench',
      pathParameters: r.kind === 'route' ? r.pathParameters : {}, requestId: shortRequestId(), domainName: '127.0.0.1:3000', traceId: newTraceId(), port: '3000' });
    Buffer.from(JSON.stringify(e));
    mapV2Response(answer);
  });
  const v1 = time(() => {
    const r = table.select('POST', view.rawPath);
    const e = buildV1Event(view, { kind: 'REST', accountId: '000000000000', apiId: 'abcdefghij', stage: 'dev', stageVariables: {}, binaryMediaTypes: [], resource: '/bench',
      resourceId: 'abcdef', deploymentId: 'abcdef', path: '/bench', requestPath: '/dev/bench', pathParameters: r.kind === 'route' ? r.pathParameters : {},
      requestId: restRequestId(), extendedRequestId: shortRequestId(), domainName: '127.0.0.1:3000', traceId: newTraceId(), port: '3000' });
    Buffer.from(JSON.stringify(e));
    mapV1Response(answer, { kind: 'REST', binaryMediaTypes: [], accept: '*/*' });
  });
  return { v2, v1 };
}

/** An HTTP API 2.0 event like the ones the door sends in this benchmark. */
function sampleEvent(origin: string, prefix: string): Record<string, unknown> {
  return buildV2Event({
    method: 'POST', rawPath: '/bench', rawQuery: '', body: Buffer.from('{}'), sourceIp: '127.0.0.1', receivedAt: Date.now(),
    headers: [['host', new URL(origin).host], ['content-type', 'application/json'], ['content-length', '2'], ['connection', 'keep-alive']],
  }, { accountId: '000000000000', apiId: prefix.slice(1, 11), routeKey: 'POST /bench', stage: '$default', stageVariables: {}, rawPath: '/bench',
    pathParameters: {}, requestId: shortRequestId(), domainName: new URL(origin).host, traceId: newTraceId(), port: new URL(origin).port });
}

export async function frontDoorBench(cfg: FrontDoorBenchConfig = FRONT_DOOR_DEFAULTS): Promise<string> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const eph = buildApp({ ...DEFAULTS, keepAlive: 600, isolation: 'process', template: TEMPLATE, port: 0 }, { output: discard, logger: pino({ level: 'silent' }) });
  try {
    await eph.app.listen({ port: 0, host: '127.0.0.1' });
    const address = eph.app.server.address();
    const main = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    await eph.frontDoor.frontDoor.listen('127.0.0.1', 0);
    const d = eph.frontDoor.frontDoor.describe();
    const api = (id: string): URL => new URL(d.apis.find((a) => a.logicalId === id)!.urls[1]);
    const http = api('ServerlessHttpApi');
    const rest = api('Rest');
    const url = new URL(d.functionUrls[0].url!);
    // The HTTP API's own event for this request, to invoke directly: the door's cost apart from a bigger event's.
    const event = JSON.stringify(sampleEvent(http.origin, http.pathname));
    rows.push(...await measure([
      { name: 'direct Invoke (POST /2015-03-31/functions/http-noop/invocations), event {}', origin: main, path: '/2015-03-31/functions/http-noop/invocations' },
      { name: `direct Invoke with an HTTP API event (${event.length} B) as payload`, origin: main, path: '/2015-03-31/functions/http-noop/invocations', body: event },
      { name: 'HTTP API, payload 2.0 (POST /<api-id>/bench)', origin: http.origin, path: `${http.pathname}bench` },
      { name: 'REST API, payload 1.0 (POST /<api-id>/dev/bench)', origin: rest.origin, path: `${rest.pathname}bench` },
      { name: 'function URL (POST /)', origin: url.origin, path: '/' },
    ], cfg));
    notes.push(`- ephemera: ${eph.internals.pool.environments().length} environments (process isolation) after the runs; every request ran in a real, frozen-between-invokes environment.`);
  } finally {
    await eph.close();
  }
  const own = ownWorkUs();
  notes.push(`- The front door's own work per request, CPU time in-process (independent of other load): ${own.v2.toFixed(1)} µs for an HTTP API request (route, 2.0 event, JSON, response mapping), `
    + `${own.v1.toFixed(1)} µs for a REST request (1.0 event). The door adds no network hop: the client's one request reaches the door's own listener instead of the Invoke API's.`);
  const offline = process.env.BENCH_NO_OFFLINE ? 'BENCH_NO_OFFLINE set' : await startOffline();
  if (typeof offline === 'string') {
    notes.push(`- serverless-offline row skipped: ${offline}`);
  } else {
    try {
      rows.push(...await measure([{ name: `serverless-offline ${offline.version} \`http\` event (POST /bench), own process`, origin: offline.origin, path: offline.path }], cfg));
    } finally {
      await offline.close();
    }
  }
  const directP50 = rows[0].seq.p50;
  const out = table(
    ['case', 'p50 ms', 'p99 ms', 'Δ p50 vs direct ms', 'req/s @c1', `req/s @c${cfg.concurrency}`, `p50 ms @c${cfg.concurrency}`, `p99 ms @c${cfg.concurrency}`],
    rows.map((r) => [r.name, ms(r.seq.p50), ms(r.seq.p99), r.name.startsWith('direct') ? '–' : (r.seq.p50 - directP50).toFixed(3),
      r.rps1.toFixed(0), r.rps8.toFixed(0), ms(r.c8.p50), ms(r.c8.p99)]),
  );
  return [
    `### HTTP front door, warm (no-op HTTP handler; ${cfg.sequential} sequential after ${cfg.warmup} warm-up; ${cfg.throughput} at concurrency ${cfg.concurrency})`,
    '',
    out,
    '',
    ...notes,
    `- Sequential samples of the ephemera cases are interleaved request by request; Δ p50 is against the direct Invoke's (${directP50.toFixed(3)} ms). `
      + `Load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}. The client (undici Pool) shares the bench process with ephemera; serverless-offline runs in its own process (an advantage to it).`,
    '- Target: the front door adds < 0.1 ms to the direct Invoke p50, and serves at least serverless-offline\'s requests/s at concurrency 8.',
  ].join('\n');
}

if (import.meta.main) await runStandalone('front-door', frontDoorBench);
