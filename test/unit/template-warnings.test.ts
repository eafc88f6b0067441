// loadTemplate: warnings for what the template asks that ephemera does not do, and how they are printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatWarnings, loadTemplate } from '../../server/template/load-template.ts';
import { HEAD, dir, fn, load, messages, opts, useTemplateDir } from '../helpers/template-files.ts';

useTemplateDir();

describe('warnings', () => {
  const template = `${HEAD}Description: warnings
Metadata: { anything: goes }
Globals:
  Function:
    Runtime: nodejs22.x
    Tracing: Active
    NotAGlobal: 1
  Api:
    Cors: "*"
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata: { BuildMethod: esbuild }
    DependsOn: Queue
    Properties:
      Handler: index.handler
      Role: !GetAtt SomeRole.Arn
      Policies: [AWSLambdaBasicExecutionRole]
      Tags: { team: x }
      VpcConfig: { SubnetIds: [] }
      Layers: [!Ref Layer]
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 }
      EventInvokeConfig: { MaximumRetryAttempts: 0 }
      DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt Queue.Arn }
      MemorySise: 256
      LoggingConfig: { LogFormat: Text, ApplicationLogLevel: DEBUG }
      Environment:
        Variables: { AWS_REGION: us-west-2 }
      Events:
        Jobs:
          Type: SQS
          Properties: { Queue: !GetAtt Queue.Arn, BatchSize: 5 }
        Clicks:
          Type: Kinesis
          Properties: { Stream: !GetAtt Stream.Arn, StartingPosition: LATEST }
        Http:
          Type: Api
          Properties: { Path: /, Method: get }
  Queue:
    Type: AWS::SQS::Queue
  Stream:
    Type: AWS::Kinesis::Stream
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties: { LayerName: deps, ContentUri: src }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Fn, EventSourceArn: !GetAtt Stream.Arn, StartingPosition: LATEST }
  FromS3:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: s3://bucket/key.zip, Handler: a.b }
  FromS3Object:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: { Bucket: b, Key: k }, Handler: a.b }
  Inline:
    Type: AWS::Lambda::Function
    Properties: { Code: { ZipFile: "exports.handler = async () => 1" }, Handler: index.handler, Runtime: nodejs22.x }
  Zipped:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: package.zip, Handler: a.b }
  Image:
    Type: AWS::Serverless::Function
    Properties: { PackageType: Image, ImageUri: repo:latest }
  Java:
    Type: AWS::Serverless::Function
    Properties: { Handler: a.B::handle, Runtime: java21 }
Outputs:
  Arn: { Value: !GetAtt Fn.Arn }
`;

  it('lists each unsupported or ignored resource and property once, honestly', () => {
    const t = load(template);
    expect(t.functions.map((f) => f.logicalId)).toEqual(['Fn', 'Java']);
    expect(fn(t, 'Fn').layers).toEqual([join(dir, 'src')]);
    expect(messages(t).sort()).toEqual([
      ': Globals.Function.NotAGlobal: SAM does not accept this property in Globals.Function; ignored',
      ': Globals.Function.Tracing: ignored locally',
      'FromS3: function skipped: CodeUri is an S3 location (s3://bucket/key.zip); only local directories can run',
      'FromS3Object: function skipped: CodeUri is an S3 location; only local directories can run',
      'Fn: Properties.Environment.Variables: AWS would reject this function: "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION"',
      'Fn: Properties.LoggingConfig.ApplicationLogLevel: ignored locally',
      'Fn: Properties.MemorySise: not a property of AWS::Serverless::Function known to ephemera; ignored',
      'Fn: Properties.Policies: ignored locally',
      'Fn: Properties.Role: ignored locally',
      'Fn: Properties.Tags: ignored locally',
      'Fn: Properties.VpcConfig: ignored locally',
      'Image: function skipped: container image functions are not supported locally',
      'Inline: function skipped: Code.ZipFile (inline code) is not supported locally; put the code in a directory and set Code to its path',
      'Java: Properties.Runtime: runtime java21 is not supported by ephemera: invoking the function returns Runtime.InvalidRuntime',
      "Zipped: function skipped: CodeUri 'package.zip' is a file; only code directories are supported locally (not .zip or .jar packages)",
    ].sort());
    expect(t.warnings.find((w) => w.message.startsWith('Properties.Role'))?.line).toBe(18);
  });

  it('keeps resolved Events, Layers and other coming properties for later features', () => {
    const t = load(template);
    const fnProps = t.resources?.Fn.Properties ?? {};
    expect(fnProps.Events).toEqual({
      Jobs: { Type: 'SQS', Properties: { Queue: 'arn:aws:sqs:eu-west-1:111122223333:Queue', BatchSize: 5 } },
      Clicks: { Type: 'Kinesis', Properties: { Stream: 'arn:aws:kinesis:eu-west-1:111122223333:stream/Stream', StartingPosition: 'LATEST' } },
      Http: { Type: 'Api', Properties: { Path: '/', Method: 'get' } },
    });
    expect(fnProps.Layers).toEqual(['arn:aws:lambda:eu-west-1:111122223333:layer:deps:1']);
    expect(fnProps.DeadLetterQueue).toEqual({ Type: 'SQS', TargetArn: 'arn:aws:sqs:eu-west-1:111122223333:Queue' });
    expect(fnProps.Role).toBeUndefined();
    expect(t.resources?.Mapping.Properties).toEqual({
      FunctionName: 'Fn', EventSourceArn: 'arn:aws:kinesis:eu-west-1:111122223333:stream/Stream', StartingPosition: 'LATEST',
    });
    expect(t.resources?.Layer).toMatchObject({ Type: 'AWS::Serverless::LayerVersion', Properties: { LayerName: 'deps', ContentUri: 'src' } });
    expect(t.resources?.FromS3).toBeDefined();
  });

  it('formats one multi-line start-up warning', () => {
    expect(formatWarnings([])).toBe('');
    const text = formatWarnings([
      { resource: 'Fn', message: 'Properties.Tracing: ignored locally', line: 9 },
      { resource: '', message: 'transform "X" is not applied locally', line: 1 },
      { resource: 'Q', message: 'AWS::SQS::Queue is not yet supported by ephemera (ignored for now)' },
    ]);
    expect(text).toBe([
      'template: 3 warnings (parts of the template that are ignored or not resolved locally):',
      '  - AWS::SQS::Queue is not yet supported by ephemera (ignored for now)'.replace('- ', '- Q: '),
      '  - line 1: transform "X" is not applied locally',
      '  - line 9: Fn: Properties.Tracing: ignored locally',
    ].join('\n'));
    const all = load(template).warnings;
    expect(all.length).toBeGreaterThan(10);
    expect(formatWarnings(all).split('\n')).toHaveLength(all.length + 1);
  });

  it('resolves CodeUri against the template folder, not the working directory', () => {
    mkdirSync(join(dir, 'nested/app/code'), { recursive: true });
    const file = join(dir, 'nested/app/template.yaml');
    writeFileSync(file, `Resources:\n  N:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: ./code, Handler: a.b, Runtime: nodejs22.x }\n  Up:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: ../../src/a, Handler: a.b, Runtime: nodejs22.x }\n  Abs:\n    Type: AWS::Serverless::Function\n    Properties: { CodeUri: ${join(dir, 'lambda')}, Handler: a.b, Runtime: nodejs22.x }\n  Def:\n    Type: AWS::Serverless::Function\n    Properties: { Handler: a.b, Runtime: nodejs22.x }\n`);
    const t = loadTemplate(file, opts);
    expect(t.functions.map((f) => f.codeDir)).toEqual([
      join(dir, 'nested/app/code'), join(dir, 'src/a'), join(dir, 'lambda'), join(dir, 'nested/app'),
    ]);
  });

  it('warns about other transforms and unknown sections; Metadata and Outputs are fine', () => {
    const t = load(`Transform: [AWS::Serverless-2016-10-31, AWS::LanguageExtensions]\nExtra: 1\nOutputs: {}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n`);
    expect(messages(t)).toEqual([
      ': Extra: not a template section; ignored',
      ': Transform: transform "AWS::LanguageExtensions" is not applied locally',
    ]);
  });
});
