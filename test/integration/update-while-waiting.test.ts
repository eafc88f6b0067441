// An invoke that waits for an environment finishing its invocation, across an UpdateFunctionCode:
// the old environment retires when it reaches /next, and the waiting invoke must start the new code,
// not a fresh environment of the old. A shell runtime that lingers 1 s between its answer and /next
// holds the window open.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from '../helpers/emulator.ts';

let em: TestEmulator;
let dir: string;

const bootstrap = (version: string) => `#!/bin/sh
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while :; do
  RID=$(curl -sS -D - -o /dev/null "$API/invocation/next" | sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *\\([^[:space:]]*\\).*$/\\1/p' | tr -d '\\r')
  curl -sS -o /dev/null -X POST --data-binary '"${version}"' "$API/invocation/$RID/response"
  sleep 1
done
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ephemera-update-race-'));
  for (const v of ['v1', 'v2']) {
    mkdirSync(join(dir, v));
    writeFileSync(join(dir, v, 'bootstrap'), bootstrap(v));
    chmodSync(join(dir, v, 'bootstrap'), 0o755);
  }
  writeFileSync(join(dir, 'template.yaml'), [
    'Resources:',
    '  Lingers:',
    '    Type: AWS::Serverless::Function',
    '    Properties: { FunctionName: lingers, CodeUri: v1, Handler: none, Runtime: provided.al2023, Timeout: 5 }',
  ].join('\n'));
  em = await startEmulator(join(dir, 'template.yaml'), { isolation: 'process' });
});
afterAll(async () => {
  if (em) expect(await em.stopChecked()).toEqual([]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('an invoke waiting for a finishing environment runs the updated code', async () => {
  expect((await em.invoke('lingers')).body).toBe('"v1"'); // its environment now lingers 1 s before /next
  const waiting = em.invoke('lingers');
  await new Promise((r) => setTimeout(r, 200)); // the second invoke is waiting for that environment
  const update = await fetch(`${em.url}/2015-03-31/functions/lingers/code`, {
    method: 'PUT', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ S3Bucket: 'ephemera-local', S3Key: join(dir, 'v2') }),
  });
  expect(update.status).toBe(200);
  expect((await waiting).body).toBe('"v2"');
});
