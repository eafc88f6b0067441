// The embedded EventBridge's buses and rules (services/eventbridge/event-buses.ts, put-events.ts): the
// API's checks with AWS's error types and sentences, routing an event to every enabled rule of its
// bus whose pattern matches, and PutEvents' per-entry errors. Table-driven where it is a rule.
import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../../services/eventbridge/event-bus-model.ts';
import { busName, EventBuses, type PutRuleInput } from '../../services/eventbridge/event-buses.ts';
import { EventsError } from '../../services/eventbridge/events-error.ts';
import { entryEvent, putEvents } from '../../services/eventbridge/put-events.ts';

function buses(): { buses: EventBuses; routed: Array<[string, string, boolean?]>; changes: Array<[string, boolean]> } {
  const routed: Array<[string, string, boolean?]> = [];
  const changes: Array<[string, boolean]> = [];
  const b = new EventBuses({
    region: 'us-east-1', accountId: '000000000000', now: () => 1_000,
    dispatch: (rule, event, forwarded) => routed.push(forwarded ? [rule.name, event.id, true] : [rule.name, event.id]),
    onRuleChange: (rule, removed) => changes.push([rule.name, removed]),
  });
  return { buses: b, routed, changes };
}

const error = (fn: () => unknown): { type: string; message: string } => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EventsError);
    return { type: (err as EventsError).type, message: (err as Error).message };
  }
  throw new Error('no error thrown');
};

const ctx = { region: 'us-east-1', accountId: '000000000000', now: Date.parse('2026-03-04T10:17:30.250Z') };

describe('PutRule', () => {
  it.each<[string, PutRuleInput, string, RegExp]>([
    ['neither pattern nor schedule', { Name: 'r' }, 'ValidationException', /Parameter\(s\) EventPattern or ScheduleExpression must be specified/],
    ['a schedule on a custom bus', { Name: 'r', EventBusName: 'orders', ScheduleExpression: 'rate(5 minutes)' }, 'ValidationException', /only on the default event bus/],
    ['an invalid schedule', { Name: 'r', ScheduleExpression: 'rate(1 minutes)' }, 'ValidationException', /^Parameter ScheduleExpression is not valid\.$/],
    ['at() on a rule', { Name: 'r', ScheduleExpression: 'at(2030-01-01T00:00:00)' }, 'ValidationException', /ScheduleExpression is not valid/],
    ['an invalid pattern', { Name: 'r', EventPattern: '{"source": "x"}' }, 'InvalidEventPatternException', /^Event pattern is not valid\. Reason: /],
    ['a bus that does not exist', { Name: 'r', EventBusName: 'nope', EventPattern: '{"source":["x"]}' }, 'ResourceNotFoundException', /^Event bus nope does not exist\.$/],
  ])('refuses %s', (_name, input, type, message) => {
    const { buses: b } = buses();
    b.createBus('orders');
    const e = error(() => b.putRule(input));
    expect(e.type).toBe(type);
    expect(e.message).toMatch(message);
  });

  it('names rules on custom buses in their ARN, keeps targets on update, and tells schedules', () => {
    const { buses: b, changes } = buses();
    b.createBus('orders');
    expect(b.putRule({ Name: 'r', EventBusName: 'orders', EventPattern: '{"source":["a"]}' }).arn).toBe('arn:aws:events:us-east-1:000000000000:rule/orders/r');
    expect(b.putRule({ Name: 'r' , ScheduleExpression: 'cron(0 12 * * ? *)' }).arn).toBe('arn:aws:events:us-east-1:000000000000:rule/r');
    b.putTargets('r', undefined, [{ Id: 't', Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }]);
    b.putRule({ Name: 'r', ScheduleExpression: 'rate(1 hour)' });
    expect([...b.rule('r').targets.keys()]).toEqual(['t']);
    expect(b.scheduledRules().map((r) => r.scheduleExpression)).toEqual(['rate(1 hour)']);
    const e = error(() => b.deleteRule('r'));
    expect(e).toEqual({ type: 'ValidationException', message: "Rule can't be deleted since it has targets." });
    b.removeTargets('r', undefined, ['t']);
    b.deleteRule('r');
    b.deleteRule('r');
    expect(changes).toEqual([['r', false], ['r', false], ['r', false], ['r', true]]);
    expect(error(() => b.rule('r'))).toEqual({ type: 'ResourceNotFoundException', message: 'Rule r does not exist on EventBus default.' });
  });

  it('allows five targets per rule', () => {
    const { buses: b } = buses();
    b.putRule({ Name: 'r', EventPattern: '{"source":["a"]}' });
    const targets = (ids: string[]) => ids.map((Id) => ({ Id, Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }));
    b.putTargets('r', undefined, targets(['1', '2', '3', '4', '5']));
    b.putTargets('r', undefined, targets(['5']));
    expect(error(() => b.putTargets('r', undefined, targets(['6']))).type).toBe('LimitExceededException');
  });

  it('refuses to delete the default bus or make one twice', () => {
    const { buses: b } = buses();
    expect(error(() => b.deleteBus('default'))).toEqual({ type: 'ValidationException', message: 'Cannot delete event bus default.' });
    expect(error(() => b.createBus('default')).type).toBe('ResourceAlreadyExistsException');
  });
});

describe('routing', () => {
  it('delivers to every enabled rule of the bus whose pattern matches; other buses and a missing one get nothing', () => {
    const { buses: b, routed } = buses();
    b.createBus('orders');
    b.putRule({ Name: 'all', EventBusName: 'orders', EventPattern: '{"source":[{"prefix":"app."}]}' });
    b.putRule({ Name: 'big', EventBusName: 'orders', EventPattern: '{"detail":{"amount":[{"numeric":[">",100]}]}}' });
    b.putRule({ Name: 'off', EventBusName: 'orders', EventPattern: '{"source":["app.orders"]}', State: 'DISABLED' });
    b.putRule({ Name: 'default-bus', EventPattern: '{"source":["app.orders"]}' });
    const ev = (id: string, amount: number): BusEvent => ({
      version: '0', id, 'detail-type': 'x', source: 'app.orders', account: '0', time: 't', region: 'r', resources: [], detail: { amount },
    });
    expect(b.route('orders', ev('1', 150))).toBe(2);
    expect(b.route('arn:aws:events:us-east-1:000000000000:event-bus/orders', ev('2', 50))).toBe(1);
    expect(b.route('missing', ev('3', 500))).toBe(0);
    b.setState('off', 'orders', 'ENABLED');
    b.route('orders', ev('4', 1), { forwarded: true });
    expect(routed).toEqual([['all', '1'], ['big', '1'], ['all', '2'], ['all', '4', true], ['off', '4', true]]);
  });

  it.each([
    [undefined, 'default'],
    ['orders', 'orders'],
    ['arn:aws:events:eu-west-1:123456789012:event-bus/orders', 'orders'],
  ])('bus name of %s is %s', (given, name) => expect(busName(given)).toBe(name));
});

describe('PutEvents', () => {
  it.each<[string, Parameters<typeof entryEvent>[0], object]>([
    ['no Source', { DetailType: 'd', Detail: '{}' }, { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' }],
    ['no DetailType', { Source: 's', Detail: '{}' }, { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' }],
    ['no Detail', { Source: 's', DetailType: 'd' }, { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' }],
    ['a Detail that is not an object', { Source: 's', DetailType: 'd', Detail: '[1]' }, { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }],
    ['an aws. source', { Source: 'aws.ec2', DetailType: 'd', Detail: '{}' }, { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' }],
  ])('an entry with %s fails alone', (_name, entry, result) => expect(entryEvent(entry, ctx)).toEqual(result));

  it('makes events in AWS\'s shape (time to the second, Time given in epoch seconds), routed on their bus', () => {
    const { buses: b, routed } = buses();
    b.putRule({ Name: 'r', EventPattern: '{"source":["s"]}' });
    const out = putEvents(b, [{ Source: 's', DetailType: 'd', Detail: '{"a":1}' }, { Source: 's' }, { Source: 's', DetailType: 'd', Detail: '{}', Time: 1_700_000_000 }], ctx);
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries.map((e) => Object.keys(e))).toEqual([['EventId'], ['ErrorCode', 'ErrorMessage'], ['EventId']]);
    expect(routed.map(([r]) => r)).toEqual(['r', 'r']);
    const event = entryEvent({ Source: 's', DetailType: 'd', Detail: '{"a":1}', Resources: ['x'] }, ctx) as BusEvent;
    expect(event).toEqual({
      version: '0', id: expect.stringMatching(/^[0-9a-f-]{36}$/), 'detail-type': 'd', source: 's', account: '000000000000',
      time: '2026-03-04T10:17:30Z', region: 'us-east-1', resources: ['x'], detail: { a: 1 },
    });
    expect((entryEvent({ Source: 's', DetailType: 'd', Detail: '{}', Time: 1_700_000_000 }, ctx) as BusEvent).time).toBe('2023-11-14T22:13:20Z');
    const big = 'x'.repeat(262_145);
    expect(() => putEvents(b, [{ Source: 's', DetailType: 'd', Detail: big }], ctx)).toThrow(/Total size of the entries in the request is over the limit/);
  });
});

