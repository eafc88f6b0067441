// EventBridge end to end: events/s from PutEvents (AWS SDK v3, 10 entries a request, on the main port)
// through a rule's pattern to an embedded queue target; latency from PutEvents to a function target's
// handler (warm, one event at a time: the rule, the asynchronous invoker, the environment); and what a
// Scheduler schedule costs to create and keep (10,000 cron schedules in a zone). In-process emulator,
// process isolation. Run alone: `node bench/eventbridge.ts`.
import { fileURLToPath } from 'node:url';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { DEFAULTS } from '../server/options.ts';
import { gc, mb, ms, runStandalone, stats, table } from './lib.ts';

export interface EventBridgeBenchConfig {
  events: number;
  senders: number;
  latencySamples: number;
  schedules: number;
}

export const EVENTBRIDGE_DEFAULTS: EventBridgeBenchConfig = { events: 20_000, senders: 4, latencySamples: 100, schedules: 10_000 };
const TEMPLATE = fileURLToPath(new URL('./templates/eventbridge.yaml', import.meta.url));

export async function eventBridgeBench(cfg: EventBridgeBenchConfig = EVENTBRIDGE_DEFAULTS): Promise<string> {
  let waiter: ((at: number, sentAt: number) => void) | undefined;
  const output = {
    line(_fn: string, _env: string, text: string): void {
      const i = text.indexOf('\tEVENT ');
      if (i >= 0) waiter?.(performance.now(), (JSON.parse(text.slice(i + 7)) as { t: number }).t);
    },
  };
  const eph = buildApp({ ...DEFAULTS, isolation: 'process', keepAlive: 600, schedules: 'off', template: TEMPLATE }, { output, logger: pino({ level: 'silent' }) });
  await eph.app.listen({ port: 0, host: '127.0.0.1' });
  await eph.ready;
  const address = eph.app.server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const events = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  try {
    // Latency: one event, wait for the handler's log line, next (the first one is a cold start).
    const lat: number[] = [];
    for (let i = 0; i <= cfg.latencySamples; i++) {
      const seen = new Promise<number>((resolve) => {
        waiter = (at, sentAt) => resolve(at - sentAt);
      });
      const t = performance.now();
      await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'bench', Source: 'bench.latency', DetailType: 'x', Detail: JSON.stringify({ t }) }] }));
      const l = await seen;
      if (i > 0) lat.push(l);
    }
    waiter = undefined;

    // Throughput: `senders` loops of PutEvents (10 entries) until `events`, timed to the last one queued.
    const queue = eph.internals.sqs.byName('bench-copies')!;
    const t0 = performance.now();
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < cfg.events) {
        const start = next;
        next += 10;
        const entries = Array.from({ length: Math.min(10, cfg.events - start) }, (_, j) => ({
          EventBusName: 'bench', Source: 'bench.queue', DetailType: 'x', Detail: JSON.stringify({ n: start + j }),
        }));
        await events.send(new PutEventsCommand({ Entries: entries }));
      }
    };
    await Promise.all(Array.from({ length: cfg.senders }, sender));
    const deadline = Date.now() + 120_000;
    while (queue.counts().visible < cfg.events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - t0) / 1000;
    const delivered = queue.counts().visible;

    // Schedules: create `schedules` cron schedules in a zone (each computes its next firing and arms a timer).
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const s0 = performance.now();
    for (let i = 0; i < cfg.schedules; i++) {
      eph.internals.schedules.put({
        Name: `s${i}`, ScheduleExpression: `cron(${i % 60} ${i % 24} ? * MON-FRI *)`, ScheduleExpressionTimezone: 'Europe/Paris',
        FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: queue.arn, Input: '{}' },
      }, { replace: false });
    }
    const perSchedule = ((performance.now() - s0) * 1000) / cfg.schedules;
    gc();
    const heap = process.memoryUsage().heapUsed - heap0;

    const l = stats(lat);
    return [
      'EventBridge (PutEvents with the SDK v3 → rule → target; process isolation)',
      table(['measure', 'value'], [
        [`PutEvents → queue target (${cfg.events} events, ${cfg.senders} senders × 10 entries)`, `${(delivered / seconds).toFixed(0)} events/s (${delivered} in ${seconds.toFixed(2)} s)`],
        [`PutEvents → function target handler, warm (n=${l.n})`, `p50 ${ms(l.p50, 2)} ms, p90 ${ms(l.p90, 2)} ms, p99 ${ms(l.p99, 2)} ms`],
        [`CreateSchedule, cron in Europe/Paris (${cfg.schedules} schedules)`, `${perSchedule.toFixed(1)} µs each (next firing computed), heap +${mb(heap)} MB`],
      ]),
    ].join('\n');
  } finally {
    events.destroy();
    await eph.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runStandalone('eventbridge', () => eventBridgeBench());
