// What the request guard (server/http/request-guard.ts) costs per request: the check alone (ns per
// SDK-style request: Host seen before, no Origin), and a minimal node:http server answering 200 with
// and without the guard in front, alternated over rounds (sequential requests, p50). Run alone:
// `node bench/request-guard.ts` (about 10 s, loopback only).
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { type GuardRequest, RequestGuard, allowedHosts, refusal } from '../server/http/request-guard.ts';
import { client, ms, post, runStandalone, sequential, stats, table } from './lib.ts';

const POLICY = { allowedHosts: [], checkOrigin: true };
const ROUNDS = 6;
const N = 2000;

/** Nanoseconds per call of `f`, after a warm-up. */
function nsPer(f: () => unknown, n = 2_000_000): number {
  for (let i = 0; i < 100_000; i++) f();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - t0) / n;
}

async function server(guarded: boolean): Promise<{ origin: string; close: () => Promise<void> }> {
  const guard = new RequestGuard(POLICY, pino({ level: 'silent' }));
  const answer = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 });
    res.end('{}');
  };
  const s = createServer({ noDelay: true }, guarded ? guard.wrap(answer) : answer);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    close: () => new Promise((r) => {
      s.close(() => r());
      s.closeAllConnections();
    }),
  };
}

async function p50(guarded: boolean): Promise<number> {
  const s = await server(guarded);
  const pool = client(s.origin, 1);
  try {
    const op = (): Promise<void> => post(pool, '/2015-03-31/functions/noop/invocations');
    for (let i = 0; i < 200; i++) await op();
    return stats(await sequential(op, N, 0)).p50;
  } finally {
    await pool.close();
    await s.close();
  }
}

async function main(): Promise<string> {
  const req: GuardRequest = {
    method: 'POST', url: '/2015-03-31/functions/noop/invocations',
    headers: { host: '127.0.0.1:3001', 'content-type': 'application/json', 'content-length': '2', 'user-agent': 'aws-sdk-js/3' },
  };
  const guard = new RequestGuard(POLICY, pino({ level: 'silent' }));
  const allowed = allowedHosts([]);
  const cached = nsPer(() => guard.check(req));
  const full = nsPer(() => refusal(req, POLICY, allowed));
  const without: number[] = [];
  const withGuard: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    without.push(await p50(false));
    withGuard.push(await p50(true));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return [
    `### Request guard (${ROUNDS} alternated rounds of ${N} sequential requests to a minimal node:http server)`,
    '',
    table(['case', 'cost'], [
      ['check, Host seen before (every SDK request after the first)', `${cached.toFixed(0)} ns`],
      ['check, first request with a Host (full rules)', `${full.toFixed(0)} ns`],
      ['HTTP round trip p50 without the guard (median of rounds)', `${ms(median(without))} ms (${without.map((x) => ms(x)).join(', ')})`],
      ['HTTP round trip p50 with the guard (median of rounds)', `${ms(median(withGuard))} ms (${withGuard.map((x) => ms(x)).join(', ')})`],
    ]),
  ].join('\n');
}

if (import.meta.main) await runStandalone('request-guard', main);
