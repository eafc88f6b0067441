// --watch with real worker processes: editing a handler under a temp copy of a fixture while the
// emulator runs makes the next invoke run the new code (fresh INIT); a busy environment finishes its
// invoke with the old code and retires; a layer change reloads the functions using it.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reload } from '../../server/dev/code-watcher.ts';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'ephemera-watch-'));
const handler = (version: string, delayMs = 0): string =>
  `export const handler = async () => {\n  await new Promise((r) => setTimeout(r, ${delayMs}));\n  return { version: '${version}', logStream: process.env.AWS_LAMBDA_LOG_STREAM_NAME };\n};\n`;

describe('--watch', () => {
  let em: TestEmulator;
  const reloads: Reload[] = [];
  beforeAll(async () => {
    cpSync(fixture('functions/echo'), join(dir, 'code'), { recursive: true });
    writeFileSync(join(dir, 'code', 'index.mjs'), handler('v1'));
    cpSync(fixture('layers/shared-lib'), join(dir, 'layer'), { recursive: true });
    writeFileSync(join(dir, 'template.yaml'), [
      'Globals:',
      '  Function: { Runtime: nodejs24.x, Timeout: 10 }',
      'Resources:',
      '  Watched:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { FunctionName: watched, CodeUri: code, Handler: index.handler }',
      '  WithLayer:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { FunctionName: with-layer, CodeUri: code, Handler: index.handler, Layers: [!Ref Lib] }',
      '  Lib:',
      '    Type: AWS::Serverless::LayerVersion',
      '    Properties: { ContentUri: layer }',
    ].join('\n'));
    em = await startEmulator(join(dir, 'template.yaml'), { watch: true, isolation: 'process' });
    expect(em.eph.watcher).toBeDefined();
    em.eph.watcher!.onReload((r) => reloads.push(r));
    await em.eph.watcher!.ready;
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (fn = 'watched'): Promise<{ version: string; logStream: string }> => {
    const res = await em.invoke(fn, {});
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    return res.json() as { version: string; logStream: string };
  };

  it('the next invoke after a save runs the new code in a fresh environment', async () => {
    const first = await call();
    expect(first.version).toBe('v1');
    expect((await call()).logStream).toBe(first.logStream); // warm

    writeFileSync(join(dir, 'code', 'index.mjs'), handler('v2'));
    const reload = await waitFor(() => reloads.find((r) => r.functions.includes('watched')), 10_000);
    expect(reload.files).toEqual(['index.mjs']);
    expect(reload.functions).toEqual(['watched', 'with-layer']); // both use the code dir
    const after = await call();
    expect(after.version).toBe('v2');
    expect(after.logStream).not.toBe(first.logStream);
  });

  it('a busy environment finishes its invoke with the old code, then retires', async () => {
    writeFileSync(join(dir, 'code', 'index.mjs'), handler('slow-v3', 1500));
    await waitFor(() => reloads.length >= 2 && reloads.at(-1), 10_000);
    const busy = em.invoke('watched', {}); // runs slow-v3 for 1.5 s
    await waitFor(() => em.eph.internals.pool.environments().some((e) => e.fn.config.name === 'watched' && e.state === 'Invoking'), 5000);
    const count = reloads.length;
    writeFileSync(join(dir, 'code', 'index.mjs'), handler('v4'));
    await waitFor(() => reloads.length > count, 10_000);
    const old = await busy;
    expect((old.json() as { version: string }).version).toBe('slow-v3');
    expect((await call()).version).toBe('v4');
  });

  it('a change in a layer reloads only the functions that use it', async () => {
    const count = reloads.length;
    writeFileSync(join(dir, 'layer', 'nodejs', 'node_modules', 'extra.js'), 'module.exports = 1;\n');
    const reload = await waitFor(() => reloads.length > count && reloads.at(-1), 10_000);
    expect(reload.functions).toEqual(['with-layer']);
    expect(reload.files).toEqual(['nodejs/node_modules/extra.js']);
  });
});

describe('--watch with --data-dir inside a code directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'ephemera-watch-data-'));
  let em: TestEmulator;
  const reloads: Reload[] = [];
  beforeAll(async () => {
    cpSync(fixture('functions/echo'), join(root, 'code'), { recursive: true });
    writeFileSync(join(root, 'code', 'index.mjs'), handler('v1'));
    writeFileSync(join(root, 'template.yaml'), [
      'Resources:',
      '  Watched:',
      '    Type: AWS::Serverless::Function',
      '    Properties: { FunctionName: watched, CodeUri: code, Handler: index.handler, Runtime: nodejs24.x }',
      '  Jobs:',
      '    Type: AWS::SQS::Queue',
      '    Properties: { QueueName: jobs }',
    ].join('\n'));
    em = await startEmulator(join(root, 'template.yaml'), { watch: true, isolation: 'process', dataDir: join(root, 'code', '.state') });
    em.eph.watcher!.onReload((r) => reloads.push(r));
    await em.eph.watcher!.ready;
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  it("the emulator's own state writes do not reload the function; code changes still do", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${em.url}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.SendMessage' },
        body: JSON.stringify({ QueueUrl: `${em.url}/000000000000/jobs`, MessageBody: `m${i}` }),
      });
      expect(res.status).toBe(200);
    }
    writeFileSync(join(root, 'code', 'index.mjs'), handler('v2'));
    await waitFor(() => reloads.some((r) => r.files.includes('index.mjs')), 10_000);
    expect(reloads.flatMap((r) => r.files)).toEqual(['index.mjs']);
    expect((await em.invoke('watched', {})).json()).toMatchObject({ version: 'v2' });
  });
});
