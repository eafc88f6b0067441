// SNS in a template → embedded topics: names and ARNs agree with Ref/GetAtt, AWS::SNS::Topic's inline
// subscriptions and attributes, AWS::SNS::Subscription (policies given as objects), AWS::SNS::TopicPolicy, SAM's SNS events
// (the alias when AutoPublishAlias, SqsSubscription's queue and mapping), warnings for what is not
// delivered, and a topic kept in a data dir taking the template's attributes again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSnsStore } from '../../services/sns/sns-store.ts';
import { SnsTopics } from '../../services/sns/sns-topics.ts';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { loadTemplate } from '../../server/template/load-template.ts';
import { createTemplateTopics } from '../../server/template/sns-create.ts';
import { snsTemplatePlan } from '../../server/template/sns-resources.ts';

const dir = mkdtempSync(join(tmpdir(), 'sns-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { region: 'us-east-1', accountId: '000000000000' };
const ARN = 'arn:aws:sns:us-east-1:000000000000';

function load(yaml: string) {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadTemplate(file, ctx);
}

const CODE = join(process.cwd(), 'fixtures/functions/echo');
const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: Orders
      Tags: [{ Key: team, Value: a }]
      Subscription: [{ Protocol: email, Endpoint: ops@example.com }]
      DeliveryStatusLogging: []
  Ledger:
    Type: AWS::SNS::Topic
    Properties: { FifoTopic: true, ContentBasedDeduplication: true }
  Named:
    Type: AWS::SNS::Topic
    Properties: { TopicName: !Sub '\${AWS::StackName}-named' }
  Audit: { Type: AWS::SQS::Queue }
  AuditSub:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Orders
      Protocol: sqs
      Endpoint: !GetAtt Audit.Arn
      RawMessageDelivery: true
      FilterPolicy: { order: { kind: [big] } }
      FilterPolicyScope: MessageBody
      RedrivePolicy: { deadLetterTargetArn: !GetAtt Audit.Arn }
  OrdersPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Orders, !Sub 'arn:aws:sns:\${AWS::Region}:\${AWS::AccountId}:gone']
      PolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: events.amazonaws.com }, Action: sns:Publish, Resource: '*' }] }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      CodeUri: ${CODE}
      AutoPublishAlias: live
      Environment:
        Variables: { TOPIC: !Ref Orders, LEDGER: !GetAtt Ledger.TopicName, NAMED: !GetAtt Named.TopicArn }
      Events:
        Direct: { Type: SNS, Properties: { Topic: !Ref Orders, FilterPolicy: { kind: [order] } } }
        Buffered: { Type: SNS, Properties: { Topic: !Ref Orders, SqsSubscription: true } }
        Existing: { Type: SNS, Properties: { Topic: !Ref Named, SqsSubscription: { QueueArn: !GetAtt Audit.Arn, BatchSize: 3, Enabled: false } } }
`;

describe('SNS in a template', () => {
  it('Ref and GetAtt give the topics\' ARNs and names', () => {
    const t = load(TEMPLATE);
    expect(t.functions).toHaveLength(1);
    expect(t.functions[0].environment).toMatchObject({ TOPIC: `${ARN}:Orders`, LEDGER: 'Ledger.fifo', NAMED: `${ARN}:ephemera-named` });
    expect(t.warnings.map((w) => w.message).filter((m) => m.includes('SNS'))).toEqual([]);
  });

  it('plans topics, subscriptions, SqsSubscription queues and mappings', () => {
    const plan = snsTemplatePlan(load(TEMPLATE), ctx);
    expect(plan.topics).toEqual([
      { id: 'Orders', name: 'Orders', attributes: { DisplayName: 'Orders' }, tags: { team: 'a' } },
      { id: 'Ledger', name: 'Ledger.fifo', attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' }, tags: {} },
      { id: 'Named', name: 'ephemera-named', attributes: {}, tags: {} },
    ]);
    expect(plan.subscriptions).toEqual([
      { origin: 'Orders.Subscription[0]', topicArn: `${ARN}:Orders`, protocol: 'email', endpoint: 'ops@example.com', attributes: {} },
      {
        origin: 'AuditSub', topicArn: `${ARN}:Orders`, protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:000000000000:Audit',
        attributes: {
          RawMessageDelivery: 'true', FilterPolicy: '{"order":{"kind":["big"]}}', FilterPolicyScope: 'MessageBody',
          RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:Audit"}',
        },
      },
      { origin: 'Fn.Events.Direct', topicArn: `${ARN}:Orders`, protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:Fn:live', attributes: { FilterPolicy: '{"kind":["order"]}' } },
      { origin: 'Fn.Events.Buffered', topicArn: `${ARN}:Orders`, protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:000000000000:FnBufferedQueue', attributes: {} },
      { origin: 'Fn.Events.Existing', topicArn: `${ARN}:ephemera-named`, protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:000000000000:Audit', attributes: {} },
    ]);
    expect(plan.queues).toEqual([{ id: 'FnBufferedQueue', name: 'FnBufferedQueue' }]);
    expect(plan.mappings).toEqual([
      { origin: 'Fn.Events.Buffered', input: { FunctionName: 'Fn:live', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:FnBufferedQueue', BatchSize: 10 } },
      { origin: 'Fn.Events.Existing', input: { FunctionName: 'Fn:live', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:Audit', BatchSize: 3, Enabled: false } },
    ]);
    expect(plan.warnings).toEqual([{ resource: 'Orders', message: 'AWS::SNS::Topic property DeliveryStatusLogging is not used locally (ignored)' }]);
  });

  it('creates them, warning about what is not delivered or refused', () => {
    const template = load(TEMPLATE);
    const queues = new EmbeddedQueues(ctx);
    queues.create('Audit');
    const topics = new SnsTopics(ctx);
    const warnings = createTemplateTopics(snsTemplatePlan(template, ctx), topics, queues);
    expect(warnings.map((w) => w.message)).toContain('subscription Orders.Subscription[0]: protocol email is not delivered locally (only lambda and sqs are)');
    expect(topics.list().map((t) => t.name)).toEqual(['Orders', 'Ledger.fifo', 'ephemera-named']);
    expect(topics.subscriptions(topics.byArn(`${ARN}:Orders`))).toHaveLength(4);
    expect(queues.byName('FnBufferedQueue')).toBeDefined();
    const bad = createTemplateTopics({ ...snsTemplatePlan(template, ctx), subscriptions: [{ origin: 'X', topicArn: `${ARN}:Orders`, protocol: 'sqs', endpoint: 'nope', attributes: {} }] }, topics, queues);
    expect(bad.map((w) => w.message)).toContain('subscription X not created: Invalid parameter: SQS endpoint ARN');
    // AWS::SNS::TopicPolicy: the Policy attribute of each topic it names; a topic not there is a warning.
    expect(JSON.parse(topics.topicAttributes(topics.byArn(`${ARN}:Orders`)!).Policy).Statement[0].Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(warnings.map((w) => w.message)).toContain(`policy of topic ${ARN}:gone not set: Topic does not exist`);
  });

  it('a topic kept in a data dir takes the template\'s attributes again; subscriptions are not doubled', () => {
    const data = mkdtempSync(join(dir, 'data-'));
    const first = new SnsTopics({ ...ctx, store: new FileSnsStore(data) });
    const kept = first.createTopic('Orders', { DisplayName: 'Old' });
    first.subscribe(kept.arn, 'sqs', 'arn:aws:sqs:us-east-1:000000000000:Audit', { RawMessageDelivery: 'false' });
    const again = new SnsTopics({ ...ctx, store: new FileSnsStore(data) });
    expect(again.byArn(kept.arn)!.attributes.DisplayName).toBe('Old');
    createTemplateTopics(snsTemplatePlan(load(TEMPLATE), ctx), again, new EmbeddedQueues(ctx));
    expect(again.byArn(kept.arn)!.attributes.DisplayName).toBe('Orders');
    const audit = again.subscriptions(again.byArn(kept.arn)).filter((s) => s.endpoint.endsWith(':Audit'));
    expect(audit).toHaveLength(1);
    expect(audit[0].attributes).toMatchObject({ RawMessageDelivery: 'true', FilterPolicyScope: 'MessageBody' });
  });
});
