// What a rule's target receives (services/eventbridge/target-input.ts, json-path.ts): the event, a
// constant Input, an InputPath, an InputTransformer's JSON or text template (values as JSON, inside
// quotes as text, missing ones as "" / nothing), the predefined <aws.events.*> variables; and
// PutTargets' checks of those settings. Table-driven.
import { describe, expect, it } from 'vitest';
import type { BusEvent, Target } from '../../services/eventbridge/event-bus-model.ts';
import { EventsError } from '../../services/eventbridge/events-error.ts';
import { readJsonPath } from '../../services/eventbridge/json-path.ts';
import { ruleTargets } from '../../services/eventbridge/rule-targets.ts';
import { checkTargets, targetInput } from '../../services/eventbridge/target-input.ts';
import { sendToTarget } from '../../services/eventbridge/target-router.ts';

const event: BusEvent = {
  version: '0', id: 'e-1', 'detail-type': 'OrderPlaced', source: 'app.orders', account: '000000000000',
  time: '2026-03-04T10:17:30Z', region: 'us-east-1', resources: ['arn:aws:x'],
  detail: { id: 7, name: 'Ada "A"', items: [{ sku: 'a' }, { sku: 'b' }], meta: { vip: true }, none: null, 'odd key': 1 },
};
const ctx = { ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/r', ruleName: 'r', ingestedAt: Date.parse('2026-03-04T10:17:31Z') };
const target = (t: Partial<Target>): Target => ({ Id: 't', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', ...t });
const transformer = (InputTemplate: string, InputPathsMap?: Record<string, string>): Target => target({ InputTransformer: { InputTemplate, InputPathsMap } });

describe('json path', () => {
  it.each([
    ['$', event],
    ['$.detail.id', 7],
    ['$.detail.items[1].sku', 'b'],
    ["$.detail['odd key']", 1],
    ['$.detail.none', null],
    ['$.detail.missing', undefined],
    ['$.detail.items[5]', undefined],
    ['detail.id', undefined],
    ['$..id', undefined],
  ])('%s', (path, value) => expect(readJsonPath(event, path)).toEqual(value));
});

describe('target input', () => {
  it.each<[string, Target, string | { skipped: RegExp }]>([
    ['no setting: the whole event', target({}), JSON.stringify(event)],
    ['constant Input, as given', target({ Input: '{"a":1}' }), '{"a":1}'],
    ['InputPath', target({ InputPath: '$.detail.meta' }), '{"vip":true}'],
    ['InputPath to a string', target({ InputPath: '$.source' }), '"app.orders"'],
    ['InputPath that selects nothing', target({ InputPath: '$.detail.nope' }), { skipped: /selects nothing/ }],
    ['JSON template: values as JSON', transformer('{"id": <id>, "items": <items>, "name": <name>}', { id: '$.detail.id', items: '$.detail.items', name: '$.detail.name' }),
      '{"id": 7, "items": [{"sku":"a"},{"sku":"b"}], "name": "Ada \\"A\\""}'],
    ['JSON template: a value inside quotes is text', transformer('{"msg": "order <id> from <src>"}', { id: '$.detail.id', src: '$.source' }), '{"msg": "order 7 from app.orders"}'],
    ['JSON template: a missing value is ""', transformer('{"x": <x>}', { x: '$.detail.nope' }), '{"x": ""}'],
    ['JSON template: an object inside quotes is not sent', transformer('{"x": "<m>"}', { m: '$.detail.meta' }), { skipped: /inside a quoted string/ }],
    ['JSON template that does not give JSON is not sent', transformer('{"x": <x> <x>}', { x: '$.detail.id' }), { skipped: /valid JSON/ }],
    ['text template: strings as text, objects unquoted', transformer('"<name>" bought <items>', { name: '$.source', items: '$.detail.items' }), '"app.orders" bought [{sku:a},{sku:b}]'],
    ['predefined variables', transformer('{"rule": "<aws.events.rule-name>", "arn": "<aws.events.rule-arn>", "at": "<aws.events.event.ingestion-time>"}'),
      '{"rule": "r", "arn": "arn:aws:events:us-east-1:000000000000:rule/r", "at": "2026-03-04T10:17:31.000Z"}'],
    ['the whole event as JSON', transformer('{"e": <aws.events.event.json>}'), `{"e": ${JSON.stringify(event)}}`],
  ])('%s', (_name, t, expected) => {
    const got = targetInput(t, event, ctx);
    if (typeof expected === 'string') {
      expect(got).toEqual({ body: expected });
      if (t.InputTransformer && expected.startsWith('{')) expect(() => JSON.parse(expected)).not.toThrow();
    } else {
      expect('skipped' in got && got.skipped).toMatch(expected.skipped);
    }
  });
});

describe('PutTargets checks', () => {
  it.each<[string, Target, RegExp | undefined]>([
    ['Input and InputPath', target({ Input: '{}', InputPath: '$' }), /Only one of Input, InputPath, or InputTransformer must be provided for target t/],
    ['an undefined placeholder', transformer('{"a": <who>}'), /InputTemplate for target t contains invalid placeholder who/],
    ['a defined placeholder', transformer('{"a": <who>}', { who: '$.source' }), undefined],
    ['a predefined placeholder', transformer('"<aws.events.rule-arn>"'), undefined],
  ])('%s', (_name, t, error) => {
    if (error) {
      expect(() => checkTargets([t])).toThrow(error);
      expect(() => checkTargets([t])).toThrow(EventsError);
    } else {
      expect(() => checkTargets([t])).not.toThrow();
    }
  });
});

describe('rule targets', () => {
  it('gives each target its payload, EventBridge\'s retry defaults unless set, and a dead letter with AWS\'s attributes', () => {
    const rule = {
      name: 'r', arn: ctx.ruleArn, busName: 'default', state: 'ENABLED' as const, createdAt: 0, origin: 'api' as const,
      targets: new Map<string, Target>([
        ['a', target({ Id: 'a' })],
        ['b', target({ Id: 'b', Arn: 'arn:aws:sqs:us-east-1:000000000000:q', InputPath: '$.detail.id', RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:000000000000:dlq' } })],
        ['c', target({ Id: 'c', InputPath: '$.nothing' })],
      ]),
    };
    const { jobs, skipped } = ruleTargets(rule, event, ctx.ingestedAt);
    expect(skipped).toEqual([{ targetId: 'c', why: expect.stringMatching(/selects nothing/) }]);
    expect(jobs.map((j) => [j.payload, j.retry])).toEqual([
      [JSON.stringify(event), { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 }],
      ['7', { maximumRetryAttempts: 3, maximumEventAgeSeconds: 120 }],
    ]);
    const letter = jobs[1].deadLetter({ error: Object.assign(new Error('gone'), { errorCode: 'NO_RESOURCE', awsType: 'x', retriable: false, code: 'EPH_ERR_TARGET_DELIVERY' as const }), retries: 3, exhausted: 'MaximumRetryAttempts' });
    expect(letter).toEqual({
      body: JSON.stringify(event),
      attributes: {
        RULE_ARN: ctx.ruleArn, TARGET_ARN: 'arn:aws:sqs:us-east-1:000000000000:q', ERROR_CODE: 'NO_RESOURCE', ERROR_MESSAGE: 'gone',
        EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts', RETRY_ATTEMPTS: '3',
      },
    });
    expect(jobs[1].deadLetterArn).toBe('arn:aws:sqs:us-east-1:000000000000:dlq');
  });

  it('sends an event another bus forwarded to no bus (one hop bus to bus), and to other targets as usual', () => {
    const rule = {
      name: 'r', arn: ctx.ruleArn, busName: 'b', state: 'ENABLED' as const, createdAt: 0, origin: 'api' as const,
      targets: new Map<string, Target>([['bus', target({ Id: 'bus', Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/a' })], ['fn', target({ Id: 'fn' })]]),
    };
    expect(ruleTargets(rule, event, 0).jobs.map((j) => j.targetArn)).toHaveLength(2);
    const forwarded = ruleTargets(rule, event, 0, true);
    expect(forwarded.jobs.map((j) => j.targetArn)).toEqual(['arn:aws:lambda:us-east-1:000000000000:function:f']);
    expect(forwarded.skipped).toEqual([{ targetId: 'bus', why: expect.stringMatching(/one hop from bus to bus/) }]);
  });
});

describe('bus targets', () => {
  it('put the event on the bus, marked forwarded when a rule of another bus sent it (not when a schedule did)', async () => {
    const put: Array<[string, string, boolean]> = [];
    const senders = { queues: { byArn: () => undefined }, invokeFunction: async () => {}, putOnBus: (arn: string, e: { id: string }, o: { forwarded: boolean }) => put.push([arn, e.id, o.forwarded]) };
    const bus = 'arn:aws:events:us-east-1:000000000000:event-bus/b';
    await sendToTarget(senders, bus, JSON.stringify(event), { fromBus: true });
    await sendToTarget(senders, bus, JSON.stringify(event));
    expect(put).toEqual([[bus, 'e-1', true], [bus, 'e-1', false]]);
    await expect(sendToTarget(senders, bus, 'not json')).rejects.toMatchObject({ errorCode: 'INVALID_JSON', retriable: false });
  });
});
