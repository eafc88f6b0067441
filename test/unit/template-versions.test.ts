// A template's versions and aliases without processes: SAM AutoPublishAlias (version 1, the alias, its
// EventInvokeConfig and ProvisionedConcurrencyConfig moved onto the alias), AWS::Lambda::Version and
// AWS::Lambda::Alias with !Ref / !GetAtt V.Version / CloudFormation's RoutingConfig list, SAM's
// `Fn.Alias` references, and the warnings for what cannot be deployed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodeStore } from '../../server/registry/code-store.ts';
import { Registry } from '../../server/registry/registry.ts';
import { deployTemplateVersions, republishAutoAliases } from '../../server/registry/template-versions.ts';
import { loadTemplate } from '../../server/template/load-template.ts';

const ctx = { region: 'us-east-1', accountId: '123456789012' };
const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
let dir: string;
let store: CodeStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ephemera-template-versions-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'index.mjs'), 'export const handler = async () => 1;\n');
  store = new CodeStore(join(dir, 'store'));
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const TEMPLATE = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs24.x
    Handler: index.handler
    CodeUri: src
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 2
      EventInvokeConfig:
        MaximumRetryAttempts: 0
      Environment:
        Variables:
          WORKER_ALIAS: !Ref Worker.Alias
          PINNED: !Ref Pinned
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      AutoPublishAlias: blue
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Code: src
      Runtime: nodejs24.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
  PlainVersion:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Plain
      Description: from the template
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: 1
  Pinned:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !Ref Plain
      FunctionVersion: !GetAtt PlainVersion.Version
      Name: pinned
  Canary:
    Type: AWS::Lambda::Alias
    Properties:
      FunctionName: !GetAtt Plain.Arn
      FunctionVersion: $LATEST
      Name: canary
      RoutingConfig:
        AdditionalVersionWeights:
          - FunctionVersion: !GetAtt PlainVersion.Version
            FunctionWeight: 0.5
  Stray:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: not-here
`;

describe('template versions and aliases', () => {
  it('deploys AutoPublishAlias, AWS::Lambda::Version and AWS::Lambda::Alias into the registry', () => {
    const file = join(dir, 'template.yaml');
    writeFileSync(file, TEMPLATE);
    const template = loadTemplate(file, ctx);
    expect(template.warnings.map((w) => w.message).join('\n')).not.toMatch(/Version|Alias/);
    const api = template.functions.find((f) => f.name === 'Api')!;
    expect(api.environment).toEqual({ WORKER_ALIAS: `${arn('Worker')}:blue`, PINNED: `${arn('Plain')}:pinned` });

    const reg = new Registry(template.functions, ctx, { code: store });
    const warnings = deployTemplateVersions(reg, template);
    const entry = reg.entry('Api')!;
    expect([...entry.versions.keys()]).toEqual(['1']);
    expect(entry.aliases.get('live')).toMatchObject({ functionVersion: '1', eventInvokeConfig: { maximumRetryAttempts: 0 } });
    // SAM puts EventInvokeConfig and ProvisionedConcurrencyConfig on the alias, not on $LATEST.
    expect(entry.latest.fv.config.eventInvokeConfig).toBeUndefined();
    expect([...entry.provisioned.keys()]).toEqual(['live']);
    expect(reg.resolve('Api:live', undefined)).toMatchObject({ invokedArn: `${arn('Api')}:live`, fn: { version: '1' } });
    expect(reg.resolve('Api:live', undefined).fn.config.codeDir).not.toBe(join(dir, 'src'));

    const plain = reg.entry('Plain')!;
    expect(plain.versions.get('1')!.fv.config.description).toBe('from the template');
    expect([...plain.provisioned]).toEqual([['1', expect.objectContaining({ requested: 1 })]]);
    expect(plain.aliases.get('pinned')!.functionVersion).toBe('1');
    expect(plain.aliases.has('canary')).toBe(false);
    expect(warnings.map((w) => `${w.resource}: ${w.message}`)).toEqual([
      'Stray: FunctionName "not-here" is not a function of this template; ignored',
      'Canary: alias not created: InvalidParameterValueException: $LATEST is not supported for an alias pointing to more than 1 version',
    ]);

    // --watch after a code change: a new version, and the AutoPublishAlias moves to it (as `sam sync`).
    expect(republishAutoAliases(reg, template, 'Api')).toBeUndefined();
    writeFileSync(join(dir, 'src', 'index.mjs'), 'export const handler = async () => 2;\n');
    expect(republishAutoAliases(reg, template, 'Api')).toBe('2');
    expect(entry.aliases.get('live')!.functionVersion).toBe('2');
    expect(republishAutoAliases(reg, template, 'Plain')).toBeUndefined();
    expect(plain.versions.size).toBe(1);
  });
});
