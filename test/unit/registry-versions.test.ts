// The registry without processes: qualifier resolution (versions, aliases, weighted picks, not-found
// messages), PublishVersion (immutable code snapshots, no-change, guards, numbers never reused),
// $LATEST updates reaching the VersionRuntime, alias rules, provisioned counts, and zip unpacking.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaApiError } from '../../server/errors.ts';
import type { FunctionConfig, FunctionVersion } from '../../server/model.ts';
import { checkRoutingConfig, pickVersion } from '../../server/registry/aliases.ts';
import { CodeStore } from '../../server/registry/code-store.ts';
import { Registry, type VersionRuntime } from '../../server/registry/registry.ts';
import { BadZipError, unzipTo } from '../../server/registry/unzip.ts';
import { createAlias, deleteAlias, publishVersion, updateAlias } from '../../server/registry/versioning.ts';
import { zipOf } from '../helpers/zip.ts';

const ctx = { region: 'us-east-1', accountId: '123456789012' };
const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:fn';
let dir: string;
let store: CodeStore;

class FakeRuntime implements VersionRuntime {
  calls: string[] = [];
  replaced(fn: FunctionVersion): void {
    this.calls.push(`replaced ${fn.version}`);
  }
  async removed(fn: FunctionVersion): Promise<void> {
    this.calls.push(`removed ${fn.version}`);
  }
  async provision(fn: FunctionVersion, count: number): Promise<void> {
    if (count > 0) this.calls.push(`provision ${fn.version}=${count}`);
  }
}

function config(codeDir: string, name = 'fn'): FunctionConfig {
  return {
    name, logicalId: name, codeDir, handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128, timeout: 3, environment: {},
    ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text',
  };
}

function setup(): { reg: Registry; runtime: FakeRuntime; code: string } {
  const code = mkdtempSync(join(dir, 'code-'));
  writeFileSync(join(code, 'index.mjs'), 'export const handler = async () => "v1";\n');
  const runtime = new FakeRuntime();
  const reg = new Registry([config(code)], ctx, { code: store, runtime });
  return { reg, runtime, code };
}

const thrown = (fn: () => unknown): LambdaApiError => {
  try {
    fn();
  } catch (err) {
    return err as LambdaApiError;
  }
  throw new Error('expected an error');
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ephemera-registry-'));
  store = new CodeStore(join(dir, 'store'));
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PublishVersion', () => {
  it('snapshots the code folder: later edits to $LATEST never reach version 1', () => {
    const { reg, code } = setup();
    const entry = reg.entry('fn')!;
    const before = reg.codeFacts(entry.latest);
    const { record, created } = publishVersion(reg, entry);
    expect([created, record.fv.version, record.fv.arn]).toEqual([true, '1', ARN]);
    expect(record.fv.config.codeDir).not.toBe(code);
    expect(readFileSync(join(record.fv.config.codeDir, 'index.mjs'), 'utf8')).toContain('"v1"');
    expect(reg.codeFacts(record).sha256).toBe(before.sha256);
    expect(before.sha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);

    writeFileSync(join(code, 'index.mjs'), 'export const handler = async () => "v2 with more bytes";\n');
    expect(readFileSync(join(record.fv.config.codeDir, 'index.mjs'), 'utf8')).toContain('"v1"');
    const after = reg.codeFacts(entry.latest);
    expect(after.sha256).not.toBe(before.sha256);
    expect(reg.codeFacts(record).sha256).toBe(before.sha256);
    // The folder changed on disk, so publishing makes version 2; publishing again changes nothing.
    expect(publishVersion(reg, entry).record.fv.version).toBe('2');
    const again = publishVersion(reg, entry);
    expect([again.created, again.record.fv.version]).toEqual([false, '2']);
  });

  it('guards CodeSha256 and RevisionId with AWS messages; numbers are never reused', () => {
    const { reg } = setup();
    const entry = reg.entry('fn')!;
    const sha = reg.codeFacts(entry.latest).sha256;
    const wrong = thrown(() => publishVersion(reg, entry, { codeSha256: 'abc' }));
    expect([wrong.wireType, wrong.message]).toEqual(['InvalidParameterValueException',
      `CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST (${sha}). Please try again with the CodeSHA256 in $LATEST.`]);
    const stale = thrown(() => publishVersion(reg, entry, { revisionId: 'nope' }));
    expect([stale.wireType, stale.statusCode]).toEqual(['PreconditionFailedException', 412]);
    const revision = entry.latest.revisionId;
    expect(publishVersion(reg, entry, { revisionId: revision, codeSha256: sha, description: 'd' }).record.fv.config.description).toBe('d');
    expect(entry.latest.revisionId).not.toBe(revision);
    void reg.deleteVersion(entry, '1');
    reg.updateLatest(entry, { ...entry.latest.fv.config, timeout: 9 });
    const next = publishVersion(reg, entry).record;
    expect(next.fv.version).toBe('2');
    expect(next.fv.config.timeout).toBe(9);
  });

  it('an update gives $LATEST a new FunctionVersion (running environments keep theirs) and tells the runtime', () => {
    const { reg, runtime } = setup();
    const entry = reg.entry('fn')!;
    const old = entry.latest.fv;
    const published = publishVersion(reg, entry).record;
    const updated = reg.updateLatest(entry, { ...old.config, memorySize: 256, environment: { A: 'b' } });
    expect(updated.fv).not.toBe(old);
    expect(old.config.memorySize).toBe(128);
    expect(published.fv.config.memorySize).toBe(128);
    expect(updated.internalRevision).toBe(1);
    expect(runtime.calls).toEqual(['replaced $LATEST']);
    expect(reg.resolve('fn', undefined).fn).toBe(updated.fv);
  });
});

describe('resolution', () => {
  it('resolves $LATEST, versions and aliases with the ARN the runtime is told', () => {
    const { reg } = setup();
    const entry = reg.entry('fn')!;
    publishVersion(reg, entry);
    createAlias(reg, entry, { Name: 'PROD', FunctionVersion: '1' });
    expect(reg.resolve('fn', undefined).invokedArn).toBe(ARN);
    expect(reg.resolve('fn', '$LATEST')).toMatchObject({ invokedArn: `${ARN}:$LATEST`, fn: { version: '$LATEST' } });
    expect(reg.resolve(`${ARN}:1`, undefined)).toMatchObject({ invokedArn: `${ARN}:1`, fn: { version: '1' } });
    expect(reg.resolve('fn:PROD', undefined)).toMatchObject({ invokedArn: `${ARN}:PROD`, fn: { version: '1' } });
    expect(reg.resolve('fn', 'PROD').fn).toBe(entry.versions.get('1')!.fv);
    for (const [q, shown] of [['7', '7'], ['BETA', 'BETA']]) {
      const err = thrown(() => reg.resolve('fn', q));
      expect([err.wireType, err.message]).toEqual(['ResourceNotFoundException', `Function not found: ${ARN}:${shown}`]);
    }
    expect(thrown(() => reg.resolve('nope', undefined)).message).toBe('Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST');
  });

  it('an alias with weights picks the additional version with its probability; its EventInvokeConfig applies', () => {
    const { reg } = setup();
    const entry = reg.entry('fn')!;
    publishVersion(reg, entry);
    reg.updateLatest(entry, { ...entry.latest.fv.config, timeout: 5 });
    publishVersion(reg, entry);
    const alias = createAlias(reg, entry, { Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.25 } } });
    expect(pickVersion(alias, () => 0.24)).toBe('2');
    expect(pickVersion(alias, () => 0.25)).toBe('1');
    let twos = 0;
    for (let i = 0; i < 4000; i++) if (reg.resolve('fn', 'live').fn.version === '2') twos++;
    expect(twos).toBeGreaterThan(850);
    expect(twos).toBeLessThan(1150);
    alias.eventInvokeConfig = { maximumRetryAttempts: 0 };
    const viaAlias = reg.resolve('fn', 'live').fn;
    expect(viaAlias.config.eventInvokeConfig).toEqual({ maximumRetryAttempts: 0 });
    expect(entry.versions.get(viaAlias.version)!.fv.config.eventInvokeConfig).toBeUndefined();
  });
});

describe('alias rules', () => {
  const exists = (v: string): void => {
    if (v !== '2') throw new Error(`version ${v} does not exist`);
  };
  it('checks RoutingConfig as AWS does', () => {
    const message = (routing: unknown, primary = '1'): string => thrown(() => checkRoutingConfig(routing, primary, exists)).message;
    expect(checkRoutingConfig({ AdditionalVersionWeights: { 2: 0.5 } }, '1', exists)).toEqual({ version: '2', weight: 0.5 });
    expect(checkRoutingConfig({ AdditionalVersionWeights: {} }, '1', exists)).toBeUndefined();
    expect(message({ AdditionalVersionWeights: { 2: 0.1, 3: 0.1 } })).toBe('Number of items in AdditionalVersionWeights cannot be greater than 1');
    expect(message({ AdditionalVersionWeights: { 2: 1.5 } })).toMatch(/^1 validation error detected: Value '\{2=1.5\}' at 'routingConfig.additionalVersionWeights'/);
    expect(message({ AdditionalVersionWeights: { 1: 0.5 } })).toBe('Invalid function version 1. Function version 1 is already included in routing configuration.');
    expect(message({ AdditionalVersionWeights: { 2: 0.5 } }, '$LATEST')).toBe('$LATEST is not supported for an alias pointing to more than 1 version');
    expect(message({ AdditionalVersionWeights: { 9: 0.5 } })).toBe('version 9 does not exist');
  });

  it('creates, refuses duplicates and numeric names, updates with a RevisionId, deletes with its provisioned concurrency', async () => {
    const { reg, runtime } = setup();
    const entry = reg.entry('fn')!;
    publishVersion(reg, entry);
    const alias = createAlias(reg, entry, { Name: 'live', FunctionVersion: '1', Description: 'd' });
    expect(thrown(() => createAlias(reg, entry, { Name: 'live', FunctionVersion: '1' })).message).toBe(`Alias already exists: ${ARN}:live`);
    expect(thrown(() => createAlias(reg, entry, { Name: '123', FunctionVersion: '1' })).wireType).toBe('ValidationException');
    expect(thrown(() => createAlias(reg, entry, { Name: 'x', FunctionVersion: '5' })).message).toBe(`Function not found: ${ARN}:5`);
    expect(thrown(() => updateAlias(reg, entry, 'live', { RevisionId: 'old' })).wireType).toBe('PreconditionFailedException');
    const moved = updateAlias(reg, entry, 'live', { FunctionVersion: '$LATEST', RevisionId: alias.revisionId });
    expect([moved.functionVersion, moved.description]).toEqual(['$LATEST', 'd']);
    entry.provisioned.set('1', { requested: 1, lastModified: new Date() });
    updateAlias(reg, entry, 'live', { FunctionVersion: '1' });
    entry.provisioned.set('live', { requested: 2, lastModified: new Date() });
    await reg.applyProvisioned(entry);
    expect(runtime.calls).toContain('provision 1=3');
    await deleteAlias(reg, entry, 'live');
    expect(entry.provisioned.has('live')).toBe(false);
    expect(thrown(() => updateAlias(reg, entry, 'live', {})).message).toBe(`Alias not found: ${ARN}:live`);
  });
});

describe('zip packages', () => {
  it('unpacks with the executable bits and symbolic links; refuses entries outside the folder', () => {
    const zip = zipOf({ 'bootstrap': { content: '#!/bin/sh\n', mode: 0o755 }, 'lib/a.js': 'x' });
    const dest = join(dir, 'unz');
    expect(unzipTo(zip, dest)).toBe('#!/bin/sh\n'.length + 1);
    expect(statSync(join(dest, 'bootstrap')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dest, 'lib/a.js')).mode & 0o777).toBe(0o644);
    const link = Buffer.from(zipSync({ 'a.txt': new TextEncoder().encode('A'), 'l': [new TextEncoder().encode('a.txt'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] }));
    unzipTo(link, join(dir, 'unz-link'));
    expect(lstatSync(join(dir, 'unz-link', 'l')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'unz-link', 'l'))).toBe('a.txt');
    expect(() => unzipTo(zipOf({ '../evil.js': 'x' }), join(dir, 'unz-evil'))).toThrow(BadZipError);
    expect(existsSync(join(dir, 'evil.js'))).toBe(false);
    expect(() => unzipTo(Buffer.from('PK nope'), join(dir, 'unz-bad'))).toThrow(BadZipError);
  });

  it('CodeStore.unzip: CodeSha256 is the zip\'s SHA-256, one folder per content, AWS\'s message for a bad zip', () => {
    const zip = zipOf({ 'index.mjs': 'export const handler = () => 1;' });
    const a = store.unzip('z', zip);
    const b = store.unzip('z', zip);
    expect(a).toEqual(b);
    expect(a.facts.size).toBe(zip.length);
    expect(store.manages(a.dir)).toBe(true);
    expect(thrown(() => store.unzip('z', Buffer.from('junk'))).message).toBe('Could not unzip uploaded file. Please check your file, then try to upload again.');
    mkdirSync(join(dir, 'plain'), { recursive: true });
    expect(store.manages(join(dir, 'plain'))).toBe(false);
  });
});
