// The template's EventBridge side (server/template/event-rules.ts): SAM's Schedule, ScheduleV2,
// EventBridgeRule and CloudWatchEvent events and AWS::Events::* / AWS::Scheduler::* resources become
// the rules, targets, schedules and dead-letter queues SAM's translator would make; Ref and GetAtt of
// those resources resolve as on AWS; none of them is warned about as unsupported.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadTemplate } from '../../server/template/load-template.ts';
import { templateEventRules } from '../../server/template/event-rules.ts';

let dir: string;
const account = { region: 'eu-west-1', accountId: '111122223333' };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ephemera-event-rules-'));
  mkdirSync(join(dir, 'src'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Bus: { Type: AWS::Events::EventBus, Properties: { Name: orders } }
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: worker
      CodeUri: src
      Handler: index.handler
      Runtime: nodejs24.x
      AutoPublishAlias: live
      Environment:
        Variables: { RULE_REF: !Ref Rule, RULE_ARN: !GetAtt Rule.Arn, BUS_REF: !Ref Bus, SCHED_ARN: !GetAtt Sched.Arn }
      Events:
        Tick:
          Type: Schedule
          Properties: { Schedule: rate(5 minutes), Input: '{"a":1}', Enabled: false, RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Type: SQS } }
        Nightly:
          Type: ScheduleV2
          Properties: { ScheduleExpression: cron(0 2 * * ? *), ScheduleExpressionTimezone: Europe/Paris, State: DISABLED, DeadLetterConfig: { Type: SQS, QueueLogicalId: NightlyDlq } }
        Placed:
          Type: EventBridgeRule
          Properties: { EventBusName: !Ref Bus, RuleName: placed, Pattern: { source: [app] }, InputPath: $.detail, Target: { Id: custom } }
        Classic:
          Type: CloudWatchEvent
          Properties: { Pattern: { detail-type: [x] } }
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !GetAtt Bus.Arn
      EventPattern: { source: [b] }
      State: DISABLED
      Targets: [{ Id: q, Arn: arn:aws:sqs:eu-west-1:111122223333:q, InputTransformer: { InputPathsMap: { s: $.source }, InputTemplate: '"<s>"' }, RetryPolicy: { MaximumEventAgeInSeconds: 60 } }]
  Sched:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: at(2030-01-01T00:00:00)
      FlexibleTimeWindow: { Mode: 'OFF' }
      Target: { Arn: !GetAtt Worker.Arn, RoleArn: arn:aws:iam::111122223333:role/r, Input: hi }
`;

it('makes SAM\'s rules, targets, schedules and dead-letter queues of the template', () => {
  const file = join(dir, 'template.yaml');
  writeFileSync(file, TEMPLATE);
  const template = loadTemplate(file, account);
  expect(template.warnings.filter((w) => /Events|Scheduler|not supported/.test(w.message))).toEqual([]);
  const out = templateEventRules(template, account);
  const fn = 'arn:aws:lambda:eu-west-1:111122223333:function:worker:live';
  expect(out.buses).toEqual([{ origin: 'Bus', name: 'orders', description: undefined }]);
  expect(out.queues).toEqual([{ origin: 'WorkerTick', name: 'WorkerTickQueue' }, { origin: 'WorkerNightly', name: 'NightlyDlq' }]);
  const rules = Object.fromEntries(out.rules.map((r) => [r.rule.Name, r]));
  expect(Object.keys(rules).sort()).toEqual(['Rule', 'WorkerClassic', 'WorkerTick', 'placed']);
  expect(rules.WorkerTick.rule).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED' });
  expect(rules.WorkerTick.targets).toEqual([{
    Id: 'WorkerTickLambdaTarget', Arn: fn, Input: '{"a":1}', RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: undefined },
    DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:111122223333:WorkerTickQueue' },
  }]);
  expect(rules.placed.rule).toMatchObject({ EventBusName: 'orders', EventPattern: '{"source":["app"]}' });
  expect(rules.placed.targets).toEqual([{ Id: 'custom', Arn: fn, InputPath: '$.detail' }]);
  expect(rules.WorkerClassic.rule).toMatchObject({ EventPattern: '{"detail-type":["x"]}' });
  expect(rules.Rule.rule).toMatchObject({ EventBusName: 'arn:aws:events:eu-west-1:111122223333:event-bus/orders', State: 'DISABLED' });
  expect(rules.Rule.targets[0]).toMatchObject({ Id: 'q', InputTransformer: { InputPathsMap: { s: '$.source' }, InputTemplate: '"<s>"' }, RetryPolicy: { MaximumEventAgeInSeconds: 60 } });
  const schedules = Object.fromEntries(out.schedules.map((s) => [s.schedule.Name, s.schedule]));
  expect(schedules.WorkerNightly).toMatchObject({
    ScheduleExpression: 'cron(0 2 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris', State: 'DISABLED',
    Target: { Arn: fn, DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:111122223333:NightlyDlq' } },
  });
  expect(schedules.Sched).toMatchObject({ ScheduleExpression: 'at(2030-01-01T00:00:00)', Target: { Arn: 'arn:aws:lambda:eu-west-1:111122223333:function:worker', Input: 'hi' } });
  expect(template.functions[0].environment).toEqual({
    RULE_REF: 'orders|Rule', RULE_ARN: 'arn:aws:events:eu-west-1:111122223333:rule/orders/Rule', BUS_REF: 'orders',
    SCHED_ARN: 'arn:aws:scheduler:eu-west-1:111122223333:schedule/default/Sched',
  });
});
