// The template `npm start` serves works as the README's Quick start says: the functions answer, and
// an order sent to the `orders` queue reaches order-worker, while a refused one ends in orders-dlq.
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE } from '../../server/options.ts';
import { startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

let em: TestEmulator;
let sqs: SQSClient;
// The queue's 5 s visibility timeout runs on it: the test moves it instead of waiting twice.
const clock = new ManualClock({ realTime: true });

beforeAll(async () => {
  em = await startEmulator(DEFAULT_TEMPLATE, { isolation: 'process' }, { clock });
  sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
});
afterAll(async () => {
  clock.stop();
  sqs?.destroy();
  expect(await em.stopChecked()).toEqual([]);
});

it('serves echo and counter', async () => {
  const echo = await em.invoke('echo', { hello: 'world' });
  expect(echo.status).toBe(200);
  expect(JSON.parse(echo.body).event).toEqual({ hello: 'world' });
  const first = JSON.parse((await em.invoke('counter')).body);
  const second = JSON.parse((await em.invoke('counter')).body);
  expect(second.count).toBe(first.count + 1);
});

it('delivers orders to order-worker and dead-letters a refused one after two receives', async () => {
  const QueueUrl = `${em.url}/000000000000/orders`;
  const ok = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"item":"book"}' }));
  const bad = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"item":"anvil","fail":true}' }));
  const logged = (text: string) => em.lines.some((l) => l.fn === 'order-worker' && l.text.includes(text));
  await waitFor(() => logged(`order ${ok.MessageId} taken: {"item":"book"}`), 10_000);
  // The refused message comes back once its visibility timeout (5 s, on the clock) has passed.
  const later = async (): Promise<false> => (await clock.advance(1_000), false);
  await waitFor(async () => logged(`order ${bad.MessageId} refused (attempt 2)`) || later(), 20_000, 200);
  const dlqUrl = `${em.url}/000000000000/orders-dlq`;
  const dead = await waitFor(async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl }));
    return Messages.find((m) => m.MessageId === bad.MessageId) ?? later();
  }, 20_000, 200);
  expect(dead.Body).toBe('{"item":"anvil","fail":true}');
}, 40_000);
