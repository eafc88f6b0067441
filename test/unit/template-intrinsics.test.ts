// loadTemplate: every intrinsic function (Ref, Fn::Sub, Fn::GetAtt, Fn::Join, Fn::If, Fn::FindInMap, ...) in
// YAML short and long form and in JSON.
import { describe, expect, it } from 'vitest';
import { apiIdOf } from '../../server/template/api-model.ts';
import { HEAD, fails, fn, load, messages, useTemplateDir } from '../helpers/template-files.ts';

useTemplateDir();

describe('intrinsic functions', () => {
  const template = `${HEAD}Parameters:
  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }
  Size: { Type: Number, Default: 512 }
  Subnets: { Type: CommaDelimitedList, Default: "a, b,c" }
Mappings:
  ByStage:
    dev: { Level: debug }
    prod: { Level: warn }
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: { QueueName: !Sub "\${AWS::StackName}-jobs", VisibilityTimeout: 30 }
  Fifo:
    Type: AWS::SQS::Queue
    Properties: { FifoQueue: true }
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: { Name: clicks, ShardCount: 1 }
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Join ['-', [orders, !Ref Stage]]
      StreamSpecification: { StreamViewType: NEW_IMAGE }
  Bucket:
    Type: AWS::S3::Bucket
  Other:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: other-fn, Handler: o.h, Runtime: nodejs22.x }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      MemorySize: !Ref Size
      Environment:
        Variables:
          REGION: !Ref AWS::Region
          ACCOUNT: !Ref AWS::AccountId
          STACK: !Ref AWS::StackName
          PARTITION: !Ref AWS::Partition
          SUFFIX: !Ref AWS::URLSuffix
          STAGE: !Ref Stage
          QUEUE_URL: !Ref Queue
          QUEUE_ARN: !GetAtt Queue.Arn
          QUEUE_NAME: !GetAtt [Queue, QueueName]
          QUEUE_URL2: !GetAtt Queue.QueueUrl
          FIFO_NAME: !GetAtt Fifo.QueueName
          STREAM: !Ref Stream
          STREAM_ARN: !GetAtt Stream.Arn
          TABLE: !Ref Table
          TABLE_ARN: !GetAtt Table.Arn
          TABLE_STREAM: !GetAtt Table.StreamArn
          OTHER: !Ref Other
          OTHER_ARN: !GetAtt Other.Arn
          BUCKET: !Ref Bucket
          SUB: !Sub "\${Stage}/\${AWS::Region}/\${Queue}/\${Queue.Arn}/\${!Literal}"
          SUB_VARS: !Sub ["\${Name}-\${Stage}", { Name: !Ref Other }]
          LONG_SUB: { "Fn::Sub": "\${Stream}" }
          JOIN: !Join [",", !Ref Subnets]
          SELECT: !Select [1, !Ref Subnets]
          SPLIT: !Select [2, !Split ["/", "a/b/c"]]
          MAP: !FindInMap [ByStage, !Ref Stage, Level]
          B64: !Base64 "hello"
          AZ: !Select [0, !GetAZs ""]
          LEN: !Length [1, 2, 3]
          JSON: !ToJsonString { a: 1 }
          GONE: !Ref AWS::NoValue
`;

  it('resolves Ref, GetAtt, Sub, Join, Select, Split, FindInMap, Base64, GetAZs and pseudo parameters', () => {
    const t = load(template);
    expect(fn(t, 'Fn').memorySize).toBe(512);
    expect(fn(t, 'Fn').environment).toEqual({
      REGION: 'eu-west-1',
      ACCOUNT: '111122223333',
      STACK: 'ephemera',
      PARTITION: 'aws',
      SUFFIX: 'amazonaws.com',
      STAGE: 'dev',
      QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/ephemera-jobs',
      QUEUE_ARN: 'arn:aws:sqs:eu-west-1:111122223333:ephemera-jobs',
      QUEUE_NAME: 'ephemera-jobs',
      QUEUE_URL2: 'https://sqs.eu-west-1.amazonaws.com/111122223333/ephemera-jobs',
      FIFO_NAME: 'Fifo.fifo',
      STREAM: 'clicks',
      STREAM_ARN: 'arn:aws:kinesis:eu-west-1:111122223333:stream/clicks',
      TABLE: 'orders-dev',
      TABLE_ARN: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders-dev',
      TABLE_STREAM: 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders-dev/stream/1970-01-01T00:00:00.000',
      OTHER: 'other-fn',
      OTHER_ARN: 'arn:aws:lambda:eu-west-1:111122223333:function:other-fn',
      BUCKET: 'Bucket',
      SUB: 'dev/eu-west-1/https://sqs.eu-west-1.amazonaws.com/111122223333/ephemera-jobs/arn:aws:sqs:eu-west-1:111122223333:ephemera-jobs/${Literal}',
      SUB_VARS: 'other-fn-dev',
      LONG_SUB: 'clicks',
      JOIN: 'a,b,c',
      SELECT: 'b',
      SPLIT: 'c',
      MAP: 'debug',
      B64: 'aGVsbG8=',
      AZ: 'eu-west-1a',
      LEN: '3',
      JSON: '{"a":1}',
    });
  });

  it('applies parameter overrides (and checks AllowedValues)', () => {
    const t = load(template, { parameterOverrides: { Stage: 'prod', Size: '2048', Subnets: 'x,y' } });
    expect(fn(t, 'Fn')).toMatchObject({ memorySize: 2048 });
    expect(fn(t, 'Fn').environment).toMatchObject({ STAGE: 'prod', TABLE: 'orders-prod', MAP: 'warn', JOIN: 'x,y', SELECT: 'y' });
    const err = fails(template, { parameterOverrides: { Stage: 'qa' } });
    expect(err.message).toBe(`${err.file}:3:3: Parameters.Stage: parameter Stage: override value 'qa' is not one of AllowedValues [dev, prod]`);
    expect(messages(load(template, { parameterOverrides: { Nope: '1' } }))).toContain(
      ': parameter override Nope does not match any parameter of the template; ignored',
    );
  });

  it('stores the resolved properties of resources later features use', () => {
    const t = load(template);
    expect(t.resources?.Queue).toEqual({ Type: 'AWS::SQS::Queue', Properties: { QueueName: 'ephemera-jobs', VisibilityTimeout: 30 }, line: 11 });
    expect(t.resources?.Table.Properties).toEqual({ TableName: 'orders-dev', StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    expect(t.resources?.Bucket).toBeUndefined();
    expect(messages(t)).toEqual(expect.arrayContaining([
      'Bucket: AWS::S3::Bucket is not supported locally (ignored)',
    ]));
    expect(messages(t).filter((m) => m.startsWith('Stream:') || m.startsWith('Table:') || m.startsWith('Queue:'))).toEqual([]);
    expect(t.resources?.Stream.Properties).toEqual({ Name: 'clicks', ShardCount: 1 });
  });

  it('leaves what cannot be resolved as a placeholder and warns, naming resource and property', () => {
    const t = load(`${HEAD}Parameters:
  NoDefault: { Type: String }
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: i.h
      Runtime: nodejs22.x
      Environment:
        Variables:
          IMPORTED: !ImportValue shared-queue-url
          ROLE: !GetAtt FnRole.Arn
          PARAM: !Ref NoDefault
          SUB: !Sub "https://\${ServerlessRestApi}.execute-api/\${Stage}"
          CIDR: !Cidr ["10.0.0.0/16", 2, 8]
`);
    expect(fn(t, 'Fn').environment).toEqual({
      IMPORTED: '<unresolved Fn::ImportValue shared-queue-url>',
      ROLE: '<unresolved Fn::GetAtt FnRole.Arn>',
      PARAM: '<unresolved Ref NoDefault>',
      // The implicit API's id (front door), the stage a placeholder.
      SUB: `https://${apiIdOf('ServerlessRestApi')}.execute-api/\${Stage}`,
      CIDR: '<unresolved Fn::Cidr>',
    });
    const w = t.warnings.find((x) => x.message.includes('IMPORTED'));
    expect(w).toEqual({
      resource: 'Fn',
      line: 12,
      message: 'Properties.Environment.Variables.IMPORTED: Fn::ImportValue shared-queue-url cannot be resolved locally (exports of other stacks are not available); left as "<unresolved Fn::ImportValue shared-queue-url>"',
    });
    expect(messages(t)).toEqual(expect.arrayContaining([
      expect.stringContaining('Fn: Properties.Environment.Variables.ROLE: Fn::GetAtt FnRole.Arn cannot be resolved locally (FnRole is not defined in this template)'),
      expect.stringContaining('Ref NoDefault cannot be resolved locally (parameter NoDefault has no Default and no override)'),
      expect.stringContaining('${Stage} in Fn::Sub cannot be resolved locally'),
      expect.stringContaining('Fn::Cidr cannot be resolved locally (not supported by ephemera)'),
    ]));
  });
});
