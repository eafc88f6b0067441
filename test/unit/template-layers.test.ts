// loadTemplate: layers (local LayerVersions, Globals, ARNs resolved to local layers, ordering and duplicates).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEAD, dir, fails, fn, load, messages, useTemplateDir } from '../helpers/template-files.ts';

useTemplateDir();

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
