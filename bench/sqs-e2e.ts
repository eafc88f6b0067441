// SQS end to end: messages/s from SendMessageBatch (AWS SDK v3, JSON protocol, main port) to the
// handler at batch size 10, and poll latency (send → handler start) at low load, one message at a
// time. In-process emulator, process isolation. Run alone: `node bench/sqs-e2e.ts`.
import { fileURLToPath } from 'node:url';
import { GetQueueUrlCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import pino from 'pino';
import { buildApp } from '../server/app.ts';
import { DEFAULTS } from '../server/options.ts';
import { ms, runStandalone, stats, table } from './lib.ts';

export interface SqsBenchConfig {
  messages: number;
  senders: number;
  latencySamples: number;
}

export const SQS_DEFAULTS: SqsBenchConfig = { messages: 10_000, senders: 4, latencySamples: 50 };
const TEMPLATE = fileURLToPath(new URL('./templates/sqs.yaml', import.meta.url));

export async function sqsE2e(cfg: SqsBenchConfig = SQS_DEFAULTS): Promise<string> {
  let records = 0;
  let lastAt = 0;
  let waiter: ((lat: number) => void) | undefined;
  const output = {
    line(_fn: string, _env: string, text: string): void {
      const i = text.indexOf('SINK ');
      if (i < 0) return;
      const [n, lat] = text.slice(i + 5).trim().split(' ').map(Number);
      records += n;
      lastAt = performance.now();
      waiter?.(lat);
    },
  };
  const eph = buildApp({ ...DEFAULTS, isolation: 'process', keepAlive: 600, template: TEMPLATE }, { output, logger: pino({ level: 'silent' }) });
  await eph.app.listen({ port: 0, host: '127.0.0.1' });
  await eph.ready;
  const address = eph.app.server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  try {
    const url = async (name: string): Promise<string> => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    const benchUrl = await url('bench-e2e');
    const latencyUrl = await url('bench-latency');

    // Poll latency at low load: one message, wait for the handler, next (the first one is a cold start).
    const lat: number[] = [];
    for (let i = 0; i <= cfg.latencySamples; i++) {
      const seen = new Promise<number>((resolve) => {
        waiter = resolve;
      });
      await sqs.send(new SendMessageCommand({ QueueUrl: latencyUrl, MessageBody: `${performance.timeOrigin + performance.now()}:lat` }));
      const l = await seen;
      if (i > 0) lat.push(l);
    }
    waiter = undefined;

    // Throughput: `senders` loops of SendMessageBatch (10 each) until `messages`, timed to the last record handled.
    records = 0;
    const t0 = performance.now();
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < cfg.messages) {
        const start = next;
        next += 10;
        const entries = Array.from({ length: Math.min(10, cfg.messages - start) }, (_, j) => ({ Id: String(j), MessageBody: `${Date.now()}:${start + j}` }));
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: benchUrl, Entries: entries }));
      }
    };
    await Promise.all(Array.from({ length: cfg.senders }, sender));
    const sentIn = (performance.now() - t0) / 1000;
    const deadline = Date.now() + 120_000;
    while (records < cfg.messages && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const seconds = (lastAt - t0) / 1000;
    const sent = records;
    const mapping = eph.internals.esm.list().find((r) => r.config.eventSourceArn.endsWith(':bench-e2e'))!;
    const c = eph.internals.esm.status(mapping)?.counters ?? {};

    // Draining a backlog: the same number of messages queued first, then the mapping enabled.
    const backlogUrl = await url('bench-backlog');
    next = 0;
    const fill = async (): Promise<void> => {
      while (next < cfg.messages) {
        const start = next;
        next += 10;
        const entries = Array.from({ length: Math.min(10, cfg.messages - start) }, (_, j) => ({ Id: String(j), MessageBody: `0:${start + j}` }));
        await sqs.send(new SendMessageBatchCommand({ QueueUrl: backlogUrl, Entries: entries }));
      }
    };
    await Promise.all(Array.from({ length: cfg.senders }, fill));
    records = 0;
    const backlog = eph.internals.esm.list().find((r) => r.config.eventSourceArn.endsWith(':bench-backlog'))!;
    const t1 = performance.now();
    await eph.internals.esm.update(backlog.config.uuid, { Enabled: true });
    const deadline2 = Date.now() + 120_000;
    while (records < cfg.messages && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 20));
    const drained = records;
    const drainSeconds = (lastAt - t1) / 1000;
    const cb = eph.internals.esm.status(eph.internals.esm.get(backlog.config.uuid))?.counters ?? {};
    const s = stats(lat);
    return [
      `SQS end to end (AWS SDK SendMessageBatch → embedded queue → poller → handler), batch size 10, ${cfg.senders} senders:`,
      table(['case', 'messages', 'seconds', 'messages/s', 'invocations (mean batch)', 'max pollers'], [
        [`sending while polling (sent in ${sentIn.toFixed(2)} s)`, `${sent}`, seconds.toFixed(2), (sent / seconds).toFixed(0), `${c.batches} (${(sent / (c.batches || 1)).toFixed(1)})`, String(c.maxPollers)],
        ['draining a backlog (mapping enabled after sending)', `${drained}`, drainSeconds.toFixed(2), (drained / drainSeconds).toFixed(0), `${cb.batches} (${(drained / (cb.batches || 1)).toFixed(1)})`, String(cb.maxPollers)],
      ]),
      '',
      `Poll latency at low load (send → handler start, one message at a time, ${s.n} samples, ms):`,
      table(['p50', 'p90', 'p99', 'min', 'max'], [[ms(s.p50, 1), ms(s.p90, 1), ms(s.p99, 1), ms(s.min, 1), ms(s.max, 1)]]),
    ].join('\n');
  } finally {
    sqs.destroy();
    await eph.close();
  }
}

if (import.meta.main) await runStandalone('sqs-e2e', () => sqsE2e());
