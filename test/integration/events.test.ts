// Schedules and EventBridge end to end with real worker processes (fixtures/templates/events.yaml): a
// SAM Schedule fires when the test moves the clock a minute on; a ScheduleV2 in Europe/Paris lists its
// next firing and fills in its context attributes; a function puts an event with the AWS SDK (found
// through AWS_ENDPOINT_URL_EVENTBRIDGE) and the rules of its bus deliver it to a function
// (InputTransformer), a queue (InputPath) and, for a missing function, the dead-letter queue with
// EventBridge's attributes; a function that fails gets Lambda's own retry a minute later on the clock,
// then its OnFailure destination; a Scheduler schedule that SQS refuses ends in its dead-letter queue.
import { type Message, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, loggedEvents, startEmulator, waitFor, type TestEmulator } from '../helpers/emulator.ts';
import { receiveAtLeast } from '../helpers/sqs-esm.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

let em: TestEmulator;
let sqs: SQSClient;
const clock = new ManualClock({ realTime: true });

beforeAll(async () => {
  em = await startEmulator(fixture('templates/events.yaml'), { isolation: 'process' }, { clock });
  sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  sqs?.destroy();
  expect(await em.stopChecked()).toEqual([]);
  clock.stop();
});

const logged = (fn: string): unknown[] => loggedEvents(em, fn);
const receive = (queue: string, count: number): Promise<Message[]> => receiveAtLeast(sqs, em, queue, count, 10_000);

interface Listing { name: string; kind: string; state: string; nextFiring: string | null; timezone: string }
const listing = async (): Promise<{ timed: boolean; schedules: Listing[] }> => (await fetch(`${em.url}/_ephemera/schedules`)).json() as never;

describe('schedules', () => {
  it('lists every scheduled rule and schedule with its next firing', async () => {
    const { timed, schedules } = await listing();
    expect(timed).toBe(true);
    const byName = Object.fromEntries(schedules.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['TickEveryMinute', 'TickNightly', 'TickPaused', 'fifo-job']);
    expect(byName.TickPaused).toMatchObject({ kind: 'rule', state: 'DISABLED', nextFiring: null });
    // 02:30 in Paris is 01:30 UTC in winter, 00:30 UTC in summer: the next one after now.
    const next = Date.parse(byName.TickNightly.nextFiring!);
    expect(byName.TickNightly.timezone).toBe('Europe/Paris');
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(next)).toBe('02:30');
    expect(next - clock.now()).toBeGreaterThan(0);
    expect(next - clock.now()).toBeLessThanOrEqual(86_400_000);
  });

  it('fires a rate(1 minute) rule when the clock moves a minute on, with the rule\'s constant Input', async () => {
    expect(logged('tick')).toEqual([]);
    await clock.advance(60_000);
    await waitFor(() => logged('tick').length === 1, 10_000);
    expect(logged('tick')).toEqual([{ kind: 'minute' }]);
  });

  it('fires a ScheduleV2 by hand, its Input filled with the schedule\'s context attributes', async () => {
    const res = await fetch(`${em.url}/_ephemera/schedules/TickNightly/fire`, { method: 'POST' });
    expect(res.status).toBe(200);
    await waitFor(() => logged('tick').length === 2, 10_000);
    const event = logged('tick')[1] as { at: string; schedule: string };
    expect(event.schedule).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/TickNightly');
    expect(Math.abs(Date.parse(event.at) - clock.now())).toBeLessThan(5_000);
    expect(event.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const missing = await fetch(`${em.url}/_ephemera/schedules/nope/fire`, { method: 'POST' });
    expect(missing.status).toBe(404);
  });

  it('sends a schedule SQS refuses (FIFO without a message group) to its dead-letter queue with Scheduler\'s attributes', async () => {
    await fetch(`${em.url}/_ephemera/schedules/fifo-job/fire`, { method: 'POST' });
    const [msg] = await receive('rule-dlq', 1);
    expect(msg.Body).toBe('hello');
    const attrs = Object.fromEntries(Object.entries(msg.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
    expect(attrs).toMatchObject({
      SCHEDULE_ARN: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/fifo-job',
      TARGET_ARN: 'arn:aws:sqs:us-east-1:000000000000:jobs.fifo',
    });
    expect(attrs.ERROR_CODE).toBeTruthy();
    expect(attrs.EXECUTION_ID).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('EventBridge', () => {
  it('routes an event a function puts with the SDK to the rules of its bus: function, queue and dead-letter queue', async () => {
    const put = await em.invoke('publisher', { source: 'app.orders', detailType: 'OrderPlaced', detail: { id: 7, amount: 150 }, bus: 'orders' });
    expect(put.json()).toMatchObject({ failed: 0 });
    const [eventId] = (put.json() as { ids: string[] }).ids;
    await waitFor(() => logged('big-orders').length === 1, 10_000);
    expect(logged('big-orders')).toEqual([{ order: 7, amount: 150, rule: 'BigOrdersPlaced' }]);
    const [copy] = await receive('order-copies', 1);
    expect(JSON.parse(copy.Body!)).toEqual({ id: 7, amount: 150 });
    const [dead] = await receive('rule-dlq', 1);
    const event = JSON.parse(dead.Body!);
    expect(event).toMatchObject({
      version: '0', id: eventId, 'detail-type': 'OrderPlaced', source: 'app.orders', account: '000000000000',
      region: 'us-east-1', resources: [], detail: { id: 7, amount: 150 },
    });
    expect(Object.keys(event)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    const attrs = Object.fromEntries(Object.entries(dead.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
    expect(attrs).toMatchObject({
      RULE_ARN: 'arn:aws:events:us-east-1:000000000000:rule/orders/to-a-missing-function',
      TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:no-such-function',
      ERROR_CODE: 'NO_RESOURCE', RETRY_ATTEMPTS: '0',
    });
  });

  it('does not deliver an event the pattern does not match (numeric range)', async () => {
    const put = await em.invoke('publisher', { source: 'app.orders', detailType: 'OrderPlaced', detail: { id: 8, amount: 50 }, bus: 'orders' });
    expect(put.json()).toMatchObject({ failed: 0 });
    const [copy] = await receive('order-copies', 1);
    expect(JSON.parse(copy.Body!)).toEqual({ id: 8, amount: 50 });
    expect(logged('big-orders')).toHaveLength(1);
  });

  it('hands a failing function\'s event to Lambda\'s own retries (a minute later, on the clock) and OnFailure destination', async () => {
    const starts = (): number => em.lines.filter((l) => l.fn === 'fails' && l.text.startsWith('START RequestId:')).length;
    const put = await em.invoke('publisher', { source: 'app.orders', detailType: 'OrderRefused', detail: { why: 'card declined' }, bus: 'orders' });
    const [eventId] = (put.json() as { ids: string[] }).ids;
    // The rate(1 minute) schedule also waits 60 s on this clock, so "a 60 s wait is armed" does not say
    // the retry is: move the clock a minute at a time until Lambda's retry has run.
    await waitFor(() => starts() === 1, 10_000);
    await waitFor(async () => starts() === 2 || (await clock.advance(60_000), false), 20_000, 500);
    const [record] = await receive('failed-orders', 1);
    expect(JSON.parse(record.Body!)).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2 },
      requestPayload: { id: eventId, 'detail-type': 'OrderRefused', detail: { why: 'card declined' } },
      responsePayload: { errorType: 'MyError' },
    });
  });
});
