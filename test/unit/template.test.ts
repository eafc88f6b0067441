// loadTemplate: SAM/CloudFormation templates written to a temp dir → FunctionConfig, stored resources,
// warnings; every intrinsic, Globals merge, parameters, defaults, and each fatal error with its line.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { apiIdOf } from '../../server/template/api-model.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionConfig, LoadedTemplate } from '../../server/model.ts';
import { formatWarnings, loadTemplate, TemplateError } from '../../server/template/load-template.ts';

let dir: string;
let count = 0;
const opts = { region: 'eu-west-1', accountId: '111122223333' };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ephemera-template-'));
  for (const d of ['src', 'src/a', 'src/b', 'lambda']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'package.zip'), 'PK');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(text: string, ext = 'yaml'): string {
  const file = join(dir, `t${++count}.${ext}`);
  writeFileSync(file, text);
  return file;
}
function load(text: string, extra: Partial<Parameters<typeof loadTemplate>[1]> = {}): LoadedTemplate {
  return loadTemplate(write(text), { ...opts, ...extra });
}
function fn(t: LoadedTemplate, logicalId: string): FunctionConfig {
  const f = t.functions.find((x) => x.logicalId === logicalId);
  if (!f) throw new Error(`no function ${logicalId}`);
  return f;
}
function fails(text: string, extra: Partial<Parameters<typeof loadTemplate>[1]> = {}): TemplateError {
  try {
    load(text, extra);
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}
const messages = (t: LoadedTemplate): string[] => t.warnings.map((w) => `${w.resource}: ${w.message}`);

const HEAD = 'Transform: AWS::Serverless-2016-10-31\n';

describe('functions and defaults', () => {
  it('reads a minimal function with every default', () => {
    const t = load(`${HEAD}Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
`);
    expect(t.functions).toEqual([{
      name: 'Hello', logicalId: 'Hello', codeDir: dir, handler: 'index.handler', runtime: 'nodejs22.x',
      memorySize: 128, timeout: 3, environment: {}, ephemeralStorage: 512, description: '',
      architecture: 'x86_64', logFormat: 'Text',
    }]);
    expect(t.warnings).toEqual([]);
    expect(t.path).toBe(join(dir, `t${count}.yaml`));
    expect(t.resources?.Hello).toMatchObject({ Type: 'AWS::Serverless::Function', line: 3 });
  });

  it('reads every used property and resolves CodeUri against the template folder', () => {
    const t = load(`${HEAD}Resources:
  Full:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: full-fn
      CodeUri: src/a
      Handler: app.main
      Runtime: python3.12
      MemorySize: 1024
      Timeout: 900
      Description: does it all
      EphemeralStorage: { Size: 10240 }
      Architectures: [arm64]
      LoggingConfig: { LogFormat: JSON }
      ReservedConcurrentExecutions: 0
      Environment:
        Variables: { AA: x, NUM: 5, BOOL: true, Z1: "007", Y1: 012 }
`);
    expect(fn(t, 'Full')).toEqual({
      name: 'full-fn', logicalId: 'Full', codeDir: join(dir, 'src/a'), handler: 'app.main', runtime: 'python3.12',
      memorySize: 1024, timeout: 900, environment: { AA: 'x', NUM: '5', BOOL: 'true', Z1: '007', Y1: '012' },
      ephemeralStorage: 10240, description: 'does it all', architecture: 'arm64', logFormat: 'JSON',
      reservedConcurrency: 0,
    });
  });

  it('reads AWS::Lambda::Function with a local Code path; provided runtimes need no Handler', () => {
    const t = load(`Resources:
  Raw:
    Type: AWS::Lambda::Function
    Properties:
      Code: lambda
      Runtime: provided.al2023
      MemorySize: 256
      Environment: { Variables: { KEY: v } }
      Role: arn:aws:iam::111122223333:role/x
`);
    expect(fn(t, 'Raw')).toMatchObject({ name: 'Raw', codeDir: join(dir, 'lambda'), handler: '', memorySize: 256, environment: { KEY: 'v' } });
    expect(messages(t)).toEqual(['Raw: Properties.Role: ignored locally']);
  });

  it('merges Globals.Function: scalars overridden, maps merged (resource wins), lists appended', () => {
    const t = load(`${HEAD}Globals:
  Function:
    Runtime: nodejs24.x
    Timeout: 10
    MemorySize: 256
    CodeUri: src
    Environment:
      Variables: { SHARED: g, OVERRIDE: g }
    Layers: [arn:aws:lambda:eu-west-1:111122223333:layer:a:1]
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.handler
      Timeout: 30
      Environment:
        Variables: { OVERRIDE: a, OWN: a }
      Layers: [arn:aws:lambda:eu-west-1:111122223333:layer:b:1]
  B:
    Type: AWS::Serverless::Function
    Properties:
      Handler: b.handler
      CodeUri: src/b
      Runtime: python3.13
`);
    expect(fn(t, 'A')).toMatchObject({
      runtime: 'nodejs24.x', timeout: 30, memorySize: 256, codeDir: join(dir, 'src'),
      environment: { SHARED: 'g', OVERRIDE: 'a', OWN: 'a' },
    });
    expect(fn(t, 'B')).toMatchObject({ runtime: 'python3.13', timeout: 10, codeDir: join(dir, 'src/b'), environment: { SHARED: 'g', OVERRIDE: 'g' } });
    expect(t.resources?.A.Properties.Layers).toEqual([
      'arn:aws:lambda:eu-west-1:111122223333:layer:a:1', 'arn:aws:lambda:eu-west-1:111122223333:layer:b:1',
    ]);
    expect(messages(t)).toEqual(expect.arrayContaining([
      'A: Properties.Layers: layer arn:aws:lambda:eu-west-1:111122223333:layer:a:1 is not a layer of this template; skipped (only local layers can be used)',
      'A: Properties.Layers: layer arn:aws:lambda:eu-west-1:111122223333:layer:b:1 is not a layer of this template; skipped (only local layers can be used)',
      ': Globals.Function.Layers: layer arn:aws:lambda:eu-west-1:111122223333:layer:a:1 is not a layer of this template; skipped (only local layers can be used)',
    ]));
    expect(fn(t, 'A').layers).toBeUndefined();
  });

  it('accepts a JSON template, with lines for its errors', () => {
    const json = (timeout: number): string => `{
	"AWSTemplateFormatVersion": "2010-09-09",
	"Resources": {
		"J": {
			"Type": "AWS::Lambda::Function",
			"Properties": {
				"Code": "src/a", "Handler": "i.h", "Runtime": "nodejs22.x",
				"FunctionName": { "Fn::Sub": "\${AWS::StackName}-json" },
				"Timeout": ${timeout}
			}
		}
	}
}`;
    const t = loadTemplate(write(json(5), 'json'), opts);
    expect(fn(t, 'J')).toMatchObject({ name: 'ephemera-json', timeout: 5, codeDir: join(dir, 'src/a') });
    const file = write(json(0), 'json');
    expect(() => loadTemplate(file, opts)).toThrow(
      `${file}:9:5: Resources.J.Properties.Timeout: Timeout must be an integer from 1 to 900 (seconds); got 0`,
    );
  });
});

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

describe('layers', () => {
  const arn = (name: string): string => `arn:aws:lambda:eu-west-1:111122223333:layer:${name}:1`;
  beforeAll(() => {
    for (const d of ['layers/one', 'layers/two', 'layers/three']) mkdirSync(join(dir, d), { recursive: true });
  });

  it('resolves Layers to the layer directories in order, layers declared before or after the function', () => {
    const t = load(`${HEAD}Globals:
  LayerVersion:
    CompatibleRuntimes: [nodejs24.x]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs24.x
      Layers:
        - !Ref Two
        - !Ref One
        - ${arn('raw')}
        - !GetAtt Three.LayerVersionArn
  One:
    Type: AWS::Serverless::LayerVersion
    Properties: { LayerName: shared, ContentUri: layers/one, Description: libs, LicenseInfo: MIT }
  Two:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: ./layers/two/, CompatibleArchitectures: [x86_64] }
  Three:
    Type: AWS::Lambda::LayerVersion
    Properties: { Content: layers/three, LayerName: !Sub "\${AWS::StackName}-raw" }
  Raw:
    Type: AWS::Lambda::LayerVersion
    Properties: { LayerName: raw, Content: ${join(dir, 'layers/one')} }
  Plain:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler, Runtime: nodejs24.x }
`);
    expect(t.warnings).toEqual([]);
    expect(fn(t, 'Fn').layers).toEqual([join(dir, 'layers/two'), join(dir, 'layers/one'), join(dir, 'layers/one'), join(dir, 'layers/three')]);
    expect(fn(t, 'Plain').layers).toBeUndefined();
    expect(t.resources?.Fn.Properties.Layers).toEqual([arn('Two'), arn('shared'), arn('raw'), arn('ephemera-raw')]);
    expect(t.resources?.One).toEqual({
      Type: 'AWS::Serverless::LayerVersion', line: 16,
      Properties: { CompatibleRuntimes: ['nodejs24.x'], LayerName: 'shared', ContentUri: 'layers/one', Description: 'libs', LicenseInfo: 'MIT' },
    });
    expect(t.resources?.Three.Properties).toEqual({ Content: 'layers/three', LayerName: 'ephemera-raw' });
  });

  it('takes Layers from Globals.Function too (appended before the function’s own)', () => {
    const t = load(`${HEAD}Globals:
  Function:
    Runtime: nodejs24.x
    Layers: [!Ref One]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler, Layers: [!Ref Two] }
  Bare:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler }
  One:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: layers/one }
  Two:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: layers/two }
`);
    expect(fn(t, 'Fn').layers).toEqual([join(dir, 'layers/one'), join(dir, 'layers/two')]);
    expect(fn(t, 'Bare').layers).toEqual([join(dir, 'layers/one')]);
    expect(t.warnings).toEqual([]);
  });

  it('warns once about a layer that is not in the template, or has no local content, and skips it', () => {
    const t = load(`${HEAD}Globals:
  LayerVersion:
    RetentionPolicy: Delete
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs24.x
      Layers:
        - arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:38
        - !Ref FromS3
        - !Ref Local
        - !Ref Local
  Other:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs24.x
      Layers: [arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:38]
  FromS3:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: { Bucket: b, Key: layer.zip } }
  Zipped:
    Type: AWS::Lambda::LayerVersion
    Properties: { Content: { S3Bucket: b, S3Key: k } }
  Local:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: layers/one, Colour: blue }
`);
    expect(fn(t, 'Fn').layers).toEqual([join(dir, 'layers/one')]);
    expect(fn(t, 'Other').layers).toBeUndefined();
    expect(messages(t).sort()).toEqual([
      ': Globals.LayerVersion.RetentionPolicy: ignored locally',
      'Fn: Properties.Layers: layer arn:aws:lambda:eu-west-1:111122223333:layer:FromS3:1 (FromS3) has no local content; skipped',
      'Fn: Properties.Layers: layer arn:aws:lambda:eu-west-1:111122223333:layer:Local:1 is listed more than once; only its first place counts',
      'Fn: Properties.Layers: layer arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:38 is not a layer of this template; skipped (only local layers can be used)',
      'FromS3: Properties.ContentUri: layer cannot be used locally: ContentUri is an S3 location; only local directories can run',
      'Local: Properties.Colour: not a property of AWS::Serverless::LayerVersion known to ephemera; ignored',
      'Other: Properties.Layers: layer arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:38 is not a layer of this template; skipped (only local layers can be used)',
      'Zipped: Properties.Content: layer cannot be used locally: Content is an S3 location; only local directories can run',
    ]);
    expect(t.warnings.find((w) => w.resource === 'Fn')?.line).toBe(11);
    expect(t.resources?.FromS3.Properties).toEqual({ RetentionPolicy: 'Delete', ContentUri: { Bucket: 'b', Key: 'layer.zip' } });
  });

  it('rejects more than 5 layers at the property, as Lambda does', () => {
    const layers = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `        - ${arn(n)}\n`).join('');
    const err = fails(`${HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs24.x
      Layers:
${layers}`);
    expect(err.line).toBe(8);
    expect(err.detail).toBe('Resources.Fn.Properties.Layers: Cannot reference more than 5 layers.');
    // Five is fine (the unknown ones are only warned about).
    expect(load(`${HEAD}Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: i.h\n      Runtime: nodejs24.x\n      Layers:\n${layers.split('\n').slice(1).join('\n')}`).functions).toHaveLength(1);
    const fromGlobals = fails(`${HEAD}Globals:\n  Function:\n    Layers: [${['a', 'b', 'c'].map(arn).join(', ')}]\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: i.h\n      Runtime: nodejs24.x\n      Layers: [${['d', 'e', 'f'].map(arn).join(', ')}]\n`);
    expect(fromGlobals.detail).toBe('Resources.Fn.Properties.Layers: Cannot reference more than 5 layers.');
    expect(fromGlobals.line).toBe(11);
  });

  it('requires a layer’s content to be an existing directory', () => {
    const missing = fails(`Resources:\n  L:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: layers/nope\n`);
    expect(missing.line).toBe(5);
    expect(missing.detail).toMatch(/^Resources\.L\.Properties\.ContentUri: ContentUri 'layers\/nope': directory .* does not exist$/);
    const none = fails(`Resources:\n  L:\n    Type: AWS::Lambda::LayerVersion\n    Properties: { LayerName: x }\n`);
    expect([none.line, none.detail]).toEqual([2, 'Resources.L: Content is required']);
    const bad = fails(`Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: { Handler: i.h, Runtime: nodejs24.x, Layers: !Ref AWS::Region }\n`);
    expect(bad.detail).toBe('Resources.Fn.Properties.Layers: Layers must be a list of layer version ARNs; got "eu-west-1"');
  });
});

describe('conditions', () => {
  const template = `${HEAD}Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Equals [a, a]]
  Both: !And [!Condition IsProd, !Condition Either]
  Unknown: !Equals [!ImportValue x, y]
Resources:
  ProdOnly:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties: { Handler: i.h, Runtime: nodejs22.x }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: i.h
      Runtime: nodejs22.x
      Timeout: !If [IsProd, 30, 5]
      MemorySize: !If [NotProd, !Ref AWS::NoValue, 512]
      Environment:
        Variables:
          EITHER: !If [Either, yes, no]
          BOTH: !If [Both, yes, no]
          DEBUG: !If [IsProd, !Ref AWS::NoValue, "1"]
          MAYBE: !If [Unknown, a, b]
`;
  it('evaluates Conditions, Fn::If and resource Condition', () => {
    const dev = load(template);
    expect(dev.functions.map((f) => f.name)).toEqual(['Fn']);
    expect(fn(dev, 'Fn')).toMatchObject({ timeout: 5, memorySize: 128 });
    expect(fn(dev, 'Fn').environment).toEqual({ EITHER: 'yes', BOTH: 'no', DEBUG: '1', MAYBE: '<unresolved Fn::If Unknown>' });
    expect(messages(dev)).toContainEqual(expect.stringContaining('Fn::If Unknown cannot be resolved locally (condition Unknown is not known locally)'));
    const prod = load(template, { parameterOverrides: { Stage: 'prod' } });
    expect(prod.functions.map((f) => f.name)).toEqual(['ProdOnly', 'Fn']);
    expect(fn(prod, 'Fn')).toMatchObject({ timeout: 30, memorySize: 512 });
    expect(fn(prod, 'Fn').environment).toMatchObject({ EITHER: 'yes', BOTH: 'yes' });
    expect(fn(prod, 'Fn').environment.DEBUG).toBeUndefined();
  });
});

describe('fatal errors carry file, line and what is wrong', () => {
  const fnWith = (props: string): string => `${HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
${props}`;

  it.each([
    ['      MemorySize: 64\n', 8, 'Resources.Fn.Properties.MemorySize: MemorySize must be an integer from 128 to 10240 (MB); got 64'],
    ['      MemorySize: 10241\n', 8, 'MemorySize must be an integer from 128 to 10240 (MB); got 10241'],
    ['      MemorySize: lots\n', 8, 'MemorySize must be an integer from 128 to 10240 (MB); got "lots"'],
    ['      Timeout: 0\n', 8, 'Resources.Fn.Properties.Timeout: Timeout must be an integer from 1 to 900 (seconds); got 0'],
    ['      Timeout: 901\n', 8, 'Timeout must be an integer from 1 to 900 (seconds); got 901'],
    ['      Timeout: 1.5\n', 8, 'Timeout must be an integer from 1 to 900 (seconds); got 1.5'],
    ['      EphemeralStorage:\n        Size: 256\n', 9, 'Resources.Fn.Properties.EphemeralStorage.Size: EphemeralStorage.Size must be an integer from 512 to 10240 (MB); got 256'],
    ['      CodeUri: missing/dir\n', 8, "Resources.Fn.Properties.CodeUri: CodeUri 'missing/dir': directory "],
    ['      Architectures: [x86_64, arm64]\n', 8, 'Architectures must be [x86_64] or [arm64]; got ["x86_64","arm64"]'],
    ['      LoggingConfig:\n        LogFormat: XML\n', 9, 'Resources.Fn.Properties.LoggingConfig.LogFormat: LogFormat must be Text or JSON; got "XML"'],
    ['      FunctionName: "my fn"\n', 8, "FunctionName 'my fn' is not valid: 1 to 64 characters from [a-zA-Z0-9-_]"],
    ['      ReservedConcurrentExecutions: -1\n', 8, 'ReservedConcurrentExecutions must be an integer from 0'],
    ['      Environment:\n        Variables:\n          1BAD: x\n', 10, "Resources.Fn.Properties.Environment.Variables.1BAD: environment variable name '1BAD' must match"],
    ['      Environment:\n        Variables:\n          OBJ: { a: 1 }\n', 10, 'environment variable values must be strings; got {"a":1}'],
    [`      Environment:\n        Variables:\n          BIG: ${'x'.repeat(4100)}\n`, 9, 'Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {"BIG":"xxx'],
    ['      Timeout: !Join [",", a]\n', 8, 'Resources.Fn.Properties.Timeout: Fn::Join: expects a list, got "a"'],
    ['      Timeout: !Select [5, [a, b]]\n', 8, 'Fn::Select: index 5 is out of range'],
    ['      Timeout: !If [NoSuchCondition, 1, 2]\n', 8, "condition 'NoSuchCondition' is not defined in Conditions"],
  ])('case %#', (props, line, detail) => {
    const err = fails(fnWith(props));
    expect(err.line).toBe(line);
    expect(err.detail).toContain(detail);
    expect(err.message).toBe(`${err.file}:${line}:${err.column}: ${err.detail}`);
    expect(err.file).toMatch(/t\d+\.yaml$/);
  });

  it('points at Globals when the bad value comes from there', () => {
    const err = fails(`${HEAD}Globals:
  Function:
    Runtime: nodejs22.x
    MemorySize: 64
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Handler: i.h }
`);
    expect(err.line).toBe(5);
    expect(err.detail).toBe('Globals.Function.MemorySize: MemorySize must be an integer from 128 to 10240 (MB); got 64');
  });

  it('requires a Runtime (on the function or in Globals) and a Handler', () => {
    const noRuntime = fails(`${HEAD}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
`);
    expect([noRuntime.line, noRuntime.column]).toEqual([3, 3]);
    expect(noRuntime.detail).toBe('Resources.Fn: Runtime is required for a Zip function; set it (on the function or in Globals.Function)');
    const noHandler = fails(`${HEAD}Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: { Runtime: python3.12 }\n`);
    expect(noHandler.line).toBe(3);
    expect(noHandler.detail).toBe('Resources.Fn: Handler is required for runtime python3.12');
    const noCode = fails(`Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: { Runtime: python3.12, Handler: a.b }\n`);
    expect(noCode.detail).toBe('Resources.Fn: Code is required');
  });

  it('rejects a duplicate FunctionName at the second definition', () => {
    const err = fails(`${HEAD}Resources:
  First:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: same, Handler: a.b, Runtime: nodejs22.x }
  Second:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.b
      Runtime: nodejs22.x
      FunctionName: same
`);
    expect(err.line).toBe(11);
    expect(err.detail).toBe("Resources.Second.Properties.FunctionName: function name 'same' is already used by resource First");
    const byLogicalId = fails(`${HEAD}Resources:
  same:
    Type: AWS::Serverless::Function
    Properties: { Handler: a.b, Runtime: nodejs22.x }
  Other:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: same, Handler: a.b, Runtime: nodejs22.x }
`);
    expect(byLogicalId.line).toBe(8);
  });

  it('reports YAML syntax errors, a non-mapping root, and missing or malformed Resources', () => {
    const syntax = fails('Resources:\n  Fn:\n    Type: x\n   bad: [\n');
    expect([syntax.line, syntax.column]).toEqual([4, 1]);
    expect(syntax.detail).toBe('YAML syntax error: All mapping items must start at the same column');
    expect(fails('Resources:\n  A: 1\n  A: 2\n').detail).toMatch(/^YAML syntax error: .*unique/i);
    const list = fails('- a\n- b\n');
    expect([list.line, list.detail]).toEqual([1, 'a template must be a mapping (YAML) or an object (JSON) at the top level']);
    const none = fails('AWSTemplateFormatVersion: "2010-09-09"\nDescription: nothing\n');
    expect(none.detail).toBe('the template has no Resources section');
    expect(fails('Resources: [a]\n').detail).toBe('Resources: Resources must be a mapping of logical ids to resources');
    expect(fails('Resources: {}\n').detail).toBe('Resources: Resources is empty');
    const noType = fails('Resources:\n  Fn:\n    Properties: {}\n');
    expect([noType.line, noType.detail]).toEqual([2, 'Resources.Fn: the resource has no Type']);
    expect(fails('Resources:\n  Fn:\n    Type: AWS::SQS::Queue\n    Properties: [1]\n').line).toBe(4);
    expect(() => loadTemplate(join(dir, 'does-not-exist.yaml'), opts)).toThrow(TemplateError);
  });
});

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
