// Template → event source mappings (SAM Events of type SQS/Kinesis/DynamoDB and
// AWS::Lambda::EventSourceMapping) and the asynchronous-invocation targets of a function
// (EventInvokeConfig.DestinationConfig, DeadLetterQueue / DeadLetterConfig).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate } from '../../server/template/load-template.ts';
import { templateEventSourceMappings } from '../../server/template/event-sources.ts';
import pino from 'pino';
import { buildApp } from '../../server/app.ts';
import { DEFAULTS } from '../../server/options.ts';

let dir: string;
let n = 0;
const opts = { region: 'eu-west-1', accountId: '111122223333' };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ephemera-esm-template-'));
  mkdirSync(join(dir, 'src'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const load = (text: string) => {
  const file = join(dir, `t${++n}.yaml`);
  writeFileSync(file, text);
  return loadTemplate(file, opts);
};

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  Size: { Type: Number, Default: 5 }
Resources:
  Jobs: { Type: AWS::SQS::Queue }
  Dlq: { Type: AWS::SQS::Queue }
  Clicks: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: 1 } }
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: worker
      CodeUri: src
      Handler: index.handler
      Runtime: nodejs24.x
      DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt Dlq.Arn }
      EventInvokeConfig:
        MaximumRetryAttempts: 1
        DestinationConfig:
          OnSuccess: { Type: SQS, Destination: !GetAtt Jobs.Arn }
          OnFailure: { Type: Lambda, Destination: arn:aws:lambda:eu-west-1:111122223333:function:other }
      Events:
        FromJobs:
          Type: SQS
          Properties: { Queue: !GetAtt Jobs.Arn, BatchSize: !Ref Size, FunctionResponseTypes: [ReportBatchItemFailures], Enabled: 'false' }
        FromClicks:
          Type: Kinesis
          Properties:
            Stream: !GetAtt Clicks.Arn
            StartingPosition: TRIM_HORIZON
            BisectBatchOnFunctionError: true
            DestinationConfig: { OnFailure: { Type: SQS, Destination: !GetAtt Dlq.Arn } }
        Api: { Type: Api, Properties: { Path: /, Method: get } }
  Other:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: other
      Code: src
      Handler: index.handler
      Runtime: nodejs24.x
      DeadLetterConfig: { TargetArn: !GetAtt Dlq.Arn }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Other, EventSourceArn: !GetAtt Dlq.Arn, BatchSize: '3' }
`;

describe('template event source mappings', () => {
  it('turns SQS/Kinesis events and EventSourceMapping resources into CreateEventSourceMapping inputs', () => {
    const t = load(TEMPLATE);
    const mappings = templateEventSourceMappings(t);
    expect(mappings).toEqual([
      {
        origin: 'Worker.Events.FromJobs',
        input: { FunctionName: 'worker', EventSourceArn: 'arn:aws:sqs:eu-west-1:111122223333:Jobs', BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'], Enabled: false },
      },
      {
        origin: 'Worker.Events.FromClicks',
        input: {
          FunctionName: 'worker', EventSourceArn: expect.stringMatching(/^arn:aws:kinesis:eu-west-1:111122223333:stream\//),
          StartingPosition: 'TRIM_HORIZON', BisectBatchOnFunctionError: true,
          DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:eu-west-1:111122223333:Dlq' } },
        },
      },
      { origin: 'Mapping', input: { FunctionName: 'other', EventSourceArn: 'arn:aws:sqs:eu-west-1:111122223333:Dlq', BatchSize: 3 } },
    ]);
    const warnings = t.warnings.map((w) => `${w.resource}: ${w.message}`);
    // Api events are the HTTP front door's routes now (template/apis.ts): no warning.
    expect(warnings.join('\n')).not.toContain('event source of type Api');
    expect(warnings.filter((w) => /SQS is not|Kinesis is not|EventSourceMapping is not|DeadLetter/.test(w))).toEqual([]);
  });

  it('reads destinations and dead-letter targets for asynchronous invocation', () => {
    const t = load(TEMPLATE);
    const worker = t.functions.find((f) => f.name === 'worker')!;
    expect(worker.eventInvokeConfig).toEqual({
      maximumRetryAttempts: 1,
      onSuccess: 'arn:aws:sqs:eu-west-1:111122223333:Jobs',
      onFailure: 'arn:aws:lambda:eu-west-1:111122223333:function:other',
    });
    expect(worker.deadLetterTargetArn).toBe('arn:aws:sqs:eu-west-1:111122223333:Dlq');
    expect(t.functions.find((f) => f.name === 'other')!.deadLetterTargetArn).toBe('arn:aws:sqs:eu-west-1:111122223333:Dlq');
  });
});

describe('the app creates the template mappings', () => {
  it('at start, unless told not to (a one-shot `ephemera invoke` must not consume queues)', async () => {
    const file = join(dir, 'mapped.yaml');
    writeFileSync(file, [
      'Resources:',
      '  Jobs: { Type: AWS::SQS::Queue }',
      '  Worker:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      { FunctionName: worker, CodeUri: src, Handler: index.handler, Runtime: nodejs24.x,',
      '        Events: { Jobs: { Type: SQS, Properties: { Queue: !GetAtt Jobs.Arn } } } }',
    ].join('\n'));
    const counts: number[] = [];
    for (const templateMappings of [true, false]) {
      const eph = buildApp({ ...DEFAULTS, template: file, port: 0, isolation: 'process' }, { logger: pino({ level: 'silent' }), templateMappings });
      await eph.ready;
      counts.push(eph.internals.esm.list().length);
      await eph.close();
    }
    expect(counts).toEqual([1, 0]);
  });
});
