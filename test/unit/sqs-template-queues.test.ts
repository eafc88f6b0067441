// AWS::SQS::Queue resources → embedded queues: names (QueueName, else logical id + .fifo) agree with
// what Ref/GetAtt give, redrive policies between template queues, ignored properties warned about,
// and a queue kept in a data dir taking the template's attributes again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedQueues } from '../../services/sqs/embedded-queues.ts';
import { createTemplateQueues, templateQueueName } from '../../server/template/queue-resources.ts';
import { loadTemplate } from '../../server/template/load-template.ts';

const dir = mkdtempSync(join(tmpdir(), 'sqs-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { region: 'us-east-1', accountId: '000000000000' };

function load(yaml: string) {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  return loadTemplate(file, ctx);
}

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Dlq:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true }
  Main:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: main.fifo
      FifoQueue: true
      VisibilityTimeout: 12
      RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 4 }
      Weird: x
  Plain:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs24.x
      Handler: index.handler
      CodeUri: .
      Environment:
        Variables:
          DLQ_URL: !Ref Dlq
          DLQ_NAME: !GetAtt Dlq.QueueName
          MAIN_ARN: !GetAtt Main.Arn
          PLAIN_URL: !GetAtt Plain.QueueUrl
`;

describe('template queues', () => {
  it('creates queues named as Ref/GetAtt name them, with redrive between them', () => {
    const t = load(TEMPLATE);
    const queues = new EmbeddedQueues(ctx);
    const warnings = createTemplateQueues(t, queues);
    expect(warnings.map((w) => `${w.resource}: ${w.message}`)).toEqual(['Main: AWS::SQS::Queue property Weird is not used locally (ignored)']);
    expect(queues.list().map((q) => [q.name, q.fifo])).toEqual([['Dlq.fifo', true], ['Plain', false], ['main.fifo', true]]);
    const env = t.functions[0].environment;
    expect(env).toMatchObject({
      DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/Dlq.fifo', DLQ_NAME: 'Dlq.fifo',
      MAIN_ARN: queues.byName('main.fifo')!.arn, PLAIN_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/Plain',
    });
    expect(queues.byUrl(String(env.DLQ_URL))).toBe(queues.byName('Dlq.fifo'));
    expect(queues.byArn(String(env.MAIN_ARN))!.attributes).toMatchObject({
      VisibilityTimeout: '12', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queues.byName('Dlq.fifo')!.arn, maxReceiveCount: 4 }),
    });
    expect(templateQueueName('X', { FifoQueue: 'true' })).toBe('X.fifo');
    expect(templateQueueName('X', { QueueName: 'given' })).toBe('given');
  });

  it('warns (does not fail) on invalid values and a DLQ of the other type', () => {
    const t = load(`
Resources:
  Std:
    Type: AWS::SQS::Queue
  Bad:
    Type: AWS::SQS::Queue
    Properties: { VisibilityTimeout: 99999 }
  Mixed:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true, RedrivePolicy: { deadLetterTargetArn: !GetAtt Std.Arn, maxReceiveCount: 1 } }
`);
    const queues = new EmbeddedQueues(ctx);
    const messages = createTemplateQueues(t, queues).map((w) => `${w.resource}: ${w.message}`);
    expect(messages).toEqual([
      'Bad: queue Bad not created: Invalid value for the parameter VisibilityTimeout.',
      expect.stringContaining('Mixed: queue Mixed.fifo: Value {"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:Std","maxReceiveCount":1} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.'),
    ]);
    expect(queues.list().map((q) => q.name)).toEqual(['Mixed.fifo', 'Std']);
  });

  it('applies the template again to a queue kept in the data dir, keeping its messages', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const first = new EmbeddedQueues({ ...ctx, dataDir });
    createTemplateQueues(load('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: { VisibilityTimeout: 5 }\n'), first);
    await first.byName('Q')!.send({ body: 'kept' });
    first.close();
    const second = new EmbeddedQueues({ ...ctx, dataDir });
    createTemplateQueues(load('Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: { VisibilityTimeout: 7 }\n'), second);
    const q = second.byName('Q')!;
    expect(q.attributes.VisibilityTimeout).toBe('7');
    expect((await q.receive({ maxMessages: 10, waitTimeSeconds: 0 })).map((m) => m.body)).toEqual(['kept']);
    second.close();
  });

  it('a property removed from the template goes back to its default on a kept queue (redrive removed)', () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const first = new EmbeddedQueues({ ...ctx, dataDir });
    createTemplateQueues(load(`Resources:
  D:
    Type: AWS::SQS::Queue
  Q:
    Type: AWS::SQS::Queue
    Properties: { VisibilityTimeout: 5, RedrivePolicy: { deadLetterTargetArn: !GetAtt D.Arn, maxReceiveCount: 2 } }
`), first);
    expect(first.byName('Q')!.attributes.RedrivePolicy).toBeDefined();
    first.close();
    const second = new EmbeddedQueues({ ...ctx, dataDir });
    const warnings = createTemplateQueues(load('Resources:\n  D:\n    Type: AWS::SQS::Queue\n  Q:\n    Type: AWS::SQS::Queue\n'), second);
    expect(warnings).toEqual([]);
    const q = second.byName('Q')!;
    expect(q.attributes.VisibilityTimeout).toBe('30');
    expect(q.attributes.RedrivePolicy).toBeUndefined();
    second.close();
  });
});
