// The dev loop around the front door: a single-API template is served at the root as with
// `sam local start-api`, and with --watch a template change reloads its routes (no restart).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/emulator.ts';
import { type FrontDoorEmulator, startFrontDoor } from '../helpers/front-door.ts';

/** A response's JSON body, untyped (the tests read events field by field). */
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

const dir = mkdtempSync(join(tmpdir(), 'ephemera-watch-'));
const template = join(dir, 'template.yaml');
const write = (paths: string[]): void => writeFileSync(template, [
  'Transform: AWS::Serverless-2016-10-31',
  'Resources:',
  '  App:',
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  `      CodeUri: ${fixture('functions/http-app')}`,
  '      Handler: index.handler',
  '      Runtime: nodejs22.x',
  '      Events:',
  ...paths.map((p, i) => `        E${i}: { Type: Api, Properties: { Path: ${p}, Method: get } }`),
].join('\n'));

let em: FrontDoorEmulator;
/** Settles with the next reload attempt's outcome. */
const nextReload = (): Promise<boolean> => new Promise((resolve) => {
  const off = em.eph.frontDoor.watcher!.onReload((ok) => {
    off();
    resolve(ok);
  });
});
beforeAll(async () => {
  write(['/a']);
  em = await startFrontDoor(template, { watch: true });
  await em.eph.frontDoor.watcher!.ready;
}, 30_000);
afterAll(async () => {
  expect(await em.stopChecked()).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

describe('front door dev loop', () => {
  it('serves the implicit API at the root (stage-less) and at its AWS address with stage Prod', async () => {
    const root = `http://127.0.0.1:${em.doors.apiPort}`;
    const res = await fetch(`${root}/a`);
    expect(res.status).toBe(200);
    const { event } = await json(res);
    expect(event.requestContext).toMatchObject({ stage: 'Prod', path: '/Prod/a' });
    expect((await fetch(`${em.api('ServerlessRestApi')}a`)).status).toBe(200);
    expect((await fetch(`${root}/b`)).status).toBe(403);
  });

  it('reloads routes when the template changes', async () => {
    const reloaded = nextReload();
    write(['/a', '/b']);
    expect(await reloaded).toBe(true);
    expect((await fetch(`http://127.0.0.1:${em.doors.apiPort}/b`)).status).toBe(200);
    // A template that no longer loads keeps the routes it had.
    const failed = nextReload();
    writeFileSync(template, 'Resources: [');
    expect(await failed).toBe(false);
    expect((await fetch(`http://127.0.0.1:${em.doors.apiPort}/b`)).status).toBe(200);
  });
});
