// The SQS event source mapping end to end: template queues and mappings, real worker processes,
// messages sent with the AWS SDK v3 SQS client (JSON protocol) on the main port.
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';
import { countsOf, depth, drain, queueUrl, seen, sqsClient } from '../helpers/sqs-esm.ts';
import { fifoOrderAcrossFailures, partialFailureToDlq, type Sender } from '../helpers/sqs-scenarios.ts';

let em: TestEmulator;
let sqs: SQSClient;

const sdkSender = (client: () => SQSClient): Sender => ({
  async send(url, messages) {
    for (let i = 0; i < messages.length; i += 10) {
      const entries = messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), MessageBody: m.body, MessageGroupId: m.group }));
      const r = await client().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
      expect(r.Failed ?? []).toEqual([]);
    }
  },
});

beforeAll(async () => {
  em = await startEmulator(fixture('templates/sqs.yaml'), { timeScale: 0.05 });
  sqs = sqsClient(em.url);
});

afterAll(async () => {
  sqs?.destroy();
  if (em) expect(await em.stopChecked()).toEqual([]);
});

describe('SQS event source mapping (AWS SDK sending)', () => {
  it('the template created the mappings, enabled', () => {
    const mappings = em.eph.internals.esm.list().filter((r) => r.config.kind === 'sqs');
    expect(mappings.map((r) => r.config.eventSourceArn.split(':').pop()).sort()).toEqual(['sqs-done', 'sqs-errors', 'sqs-filtered', 'sqs-order.fifo']);
    expect(mappings.every((r) => r.state === 'Enabled')).toBe(true);
  });

  it('batches reach the function; a reported failure alone comes back, count rising, until the DLQ', async () => {
    await partialFailureToDlq(em, sqs, sdkSender(() => sqs), 'sdk');
  });

  it('a FIFO group keeps its order across failures', async () => {
    await fifoOrderAcrossFailures(em, sqs, sdkSender(() => sqs), 'sdk');
  });

  it('a function error returns the whole batch, ApproximateReceiveCount rising, then the DLQ', async () => {
    const url = await queueUrl(sqs, 'sqs-errors');
    const dlq = await queueUrl(sqs, 'sqs-errors-dlq');
    await sdkSender(() => sqs).send(url, [{ body: JSON.stringify({ id: 'err-1', throw: true }) }]);
    const dead = await waitFor(async () => {
      const got = await drain(sqs, dlq);
      return got.length > 0 && got;
    }, 30_000, 200);
    expect(JSON.parse(dead[0].Body!)).toMatchObject({ id: 'err-1' });
    expect(countsOf(seen(em, 'err-'), 'err-1')).toEqual([1, 2]);
  });

  it('filter misses are deleted without invoking the function', async () => {
    const url = await queueUrl(sqs, 'sqs-filtered');
    await sdkSender(() => sqs).send(url, [
      { body: JSON.stringify({ id: 'flt-keep', keep: true }) }, { body: JSON.stringify({ id: 'flt-drop', keep: false }) },
      { body: 'flt-plain' }, { body: JSON.stringify({ id: 'flt-none' }) },
    ]);
    await waitFor(async () => seen(em, 'flt-').length > 0 && (await depth(sqs, url)) === 0, 15_000, 100);
    expect(seen(em, 'flt-').map((s) => s.id)).toEqual(['flt-keep']);
    const status = em.eph.internals.esm.list().find((r) => r.config.eventSourceArn.endsWith(':sqs-filtered'))!;
    expect(em.eph.internals.esm.status(status)?.counters?.filtered).toBe(3);
  });
});
