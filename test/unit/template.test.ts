// loadTemplate: SAM/CloudFormation templates written to a temp dir → FunctionConfig, stored resources,
// Globals merge, parameters, defaults, conditions, and each fatal error with its line (intrinsics, layers and
// warnings in template-{intrinsics,layers,warnings}.test.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate, TemplateError } from '../../server/template/load-template.ts';
import { HEAD, count, dir, fails, fn, load, messages, opts, useTemplateDir, write } from '../helpers/template-files.ts';

useTemplateDir();

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
