// Process leaks when an invoke waits for a finishing environment and gets it handed over (no freeze):
// each invocation's LEAK names the processes it started and nothing of the next one's (the stock used to
// be taken a loop turn after the hand-over's dispatch, and could catch the next invocation's first processes).
// A shell runtime starts a background `sleep` per event and lingers before /next, holding the window open.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

let em: TestEmulator;
let dir: string;

// Event n starts `sleep 30.n` in the background (its own leak), answers, and lingers 0.3 s before /next.
// While parked in /next only curl runs (a pipeline there would count as processes left running).
const BOOTSTRAP = `#!/bin/sh
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
H="\${TMPDIR:-/tmp}/next-headers"
N=0
while :; do
  curl -sS -D "$H" -o /dev/null "$API/invocation/next"
  RID=$(sed -n 's/^[Ll]ambda-[Rr]untime-[Aa]ws-[Rr]equest-[Ii]d: *\\([^[:space:]]*\\).*$/\\1/p' "$H" | tr -d '\\r')
  N=$((N + 1))
  sleep "30.$N" </dev/null >/dev/null 2>&1 &
  curl -sS -o /dev/null -X POST --data-binary "$N" "$API/invocation/$RID/response"
  sleep 0.3
done
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ephemera-leak-attribution-'));
  mkdirSync(join(dir, 'code'));
  writeFileSync(join(dir, 'code', 'bootstrap'), BOOTSTRAP);
  chmodSync(join(dir, 'code', 'bootstrap'), 0o755);
  writeFileSync(join(dir, 'template.yaml'), [
    'Resources:',
    '  Spawner:',
    '    Type: AWS::Serverless::Function',
    '    Properties: { FunctionName: spawner, CodeUri: code, Handler: none, Runtime: provided.al2023, Timeout: 5 }',
  ].join('\n'));
  em = await startEmulator(join(dir, 'template.yaml'), { isolation: 'process' });
});
afterAll(async () => {
  if (em) expect(await em.stopChecked()).toEqual([]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('an environment handed to a waiting invoke: each LEAK names only its own invocation\'s process', async () => {
  const first = await em.invoke('spawner'); // its environment lingers before /next
  const second = await em.invoke('spawner'); // waits for that environment, which is handed over
  expect([first.body, second.body]).toEqual(['1', '2']);
  expect(em.eph.internals.pool.environments()).toHaveLength(1);
  const leakOf = async (res: typeof first): Promise<string> => {
    const rid = res.headers.get('x-amzn-requestid')!;
    return waitFor(() => em.lines.find((l) => l.text.startsWith(`LEAK RequestId: ${rid}`))?.text);
  };
  const [a, b] = [await leakOf(first), await leakOf(second)];
  expect(a).toMatch(/Left running: 1\t.*"sleep 30\.1"/);
  expect(b).toMatch(/Left running: 1\t.*"sleep 30\.2"/);
});
