// The "Done when" scenarios of the SQS mapping (issue 6), run with any sender (AWS SDK, aws CLI) on
// fixtures/templates/sqs.yaml: batches reach the function, a reported failure alone comes back with
// a rising receive count until the DLQ, and a FIFO group keeps its order across failures.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import { type TestEmulator, waitFor } from './emulator.ts';
import { countsOf, depth, drain, queueUrl, seen } from './sqs-esm.ts';

export interface Sender {
  /** Send these bodies to the queue (standard queue; FIFO when a group is given per body). */
  send(queueUrl: string, messages: Array<{ body: string; group?: string }>): Promise<void>;
}

export async function partialFailureToDlq(em: TestEmulator, sqs: SQSClient, sender: Sender, tag: string): Promise<void> {
  const url = await queueUrl(sqs, 'sqs-done');
  const dlqUrl = await queueUrl(sqs, 'sqs-done-dlq');
  const good = Array.from({ length: 19 }, (_, i) => `${tag}-g${i}`);
  const bad = `${tag}-bad`;
  await sender.send(url, good.map((id) => ({ body: JSON.stringify({ id }) })));
  await sender.send(url, [{ body: JSON.stringify({ id: bad, fail: true }) }]);

  const dead = await waitFor(async () => {
    const got = (await drain(sqs, dlqUrl)).filter((m) => m.Body?.includes(bad));
    return got.length > 0 && got;
  }, 30_000, 200);
  const all = seen(em, `${tag}-`);
  // Every good message reached the function once; they came in batches.
  for (const id of good) expect(countsOf(all, id)).toEqual([1]);
  expect(Math.max(...all.map((s) => s.size))).toBeGreaterThan(1);
  // The reported message alone came back, its receive count rising, until maxReceiveCount (3).
  expect(countsOf(all, bad)).toEqual([1, 2, 3]);
  expect(all.filter((s) => s.count > 1).every((s) => s.id === bad && s.size === 1)).toBe(true);
  expect(JSON.parse(dead[0].Body!)).toEqual({ id: bad, fail: true });
  // And it is not delivered again once in the DLQ: nothing is left in the queue to deliver.
  await waitFor(async () => (await depth(sqs, url)) === 0, 10_000, 100);
  expect(countsOf(seen(em, `${tag}-`), bad)).toEqual([1, 2, 3]);
}

export async function fifoOrderAcrossFailures(em: TestEmulator, sqs: SQSClient, sender: Sender, tag: string): Promise<void> {
  const url = await queueUrl(sqs, 'sqs-order.fifo');
  const a = Array.from({ length: 6 }, (_, i) => `${tag}-a${i + 1}`);
  const b = Array.from({ length: 3 }, (_, i) => `${tag}-b${i + 1}`);
  // a3 fails on its first delivery, b1 on its first two: each holds back the rest of its group.
  const body = (id: string): string => JSON.stringify(id.endsWith('a3') ? { id, failUntil: 2 } : id.endsWith('b1') ? { id, failUntil: 3 } : { id });
  await sender.send(url, [...a.map((id) => ({ body: body(id), group: `${tag}-A` })), ...b.map((id) => ({ body: body(id), group: `${tag}-B` }))]);

  const done = (s: { id: string; count: number }): boolean => !(s.id.endsWith('a3') && s.count < 2) && !(s.id.endsWith('b1') && s.count < 3);
  await waitFor(() => {
    const all = seen(em, `${tag}-`);
    return [...a, ...b].every((id) => all.some((s) => s.id === id && done(s))) && all;
  }, 30_000, 100);
  // Every message deleted: nothing is left to deliver again.
  await waitFor(async () => (await depth(sqs, url)) === 0, 10_000, 100);
  const all = seen(em, `${tag}-`);
  for (const group of [a, b]) {
    // The last delivery of each message (the one that succeeded) follows the send order of its group,
    const last = group.map((id) => all.map((s) => s.id).lastIndexOf(id));
    expect(last).toEqual([...last].sort((x, y) => x - y));
    // and no message was delivered before every earlier one of its group had been delivered.
    for (let i = 1; i < group.length; i++) {
      const first = all.findIndex((s) => s.id === group[i]);
      expect(all.findIndex((s) => s.id === group[i - 1])).toBeLessThan(first);
    }
  }
  expect(countsOf(all, `${tag}-a3`)).toEqual([1, 2]);
  expect(countsOf(all, `${tag}-b1`)).toEqual([1, 2, 3]);
}
