// boto3 (Debian's, run by /usr/bin/python3) against a real emulator: invoke success with a Tail
// log, a function error, and the error code of a missing function.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../helpers/emulator.ts';
import { arn, expectTailLog, notFound, startCompatEmulator, stopAndCheckOrphans } from './helpers.ts';

const PYTHON = '/usr/bin/python3';
let skip = '';
let versions = '';
try {
  versions = execFileSync(PYTHON, ['-c', 'import boto3, botocore; print(boto3.__version__, botocore.__version__)'],
    { encoding: 'utf8', timeout: 20_000, env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
} catch (err) {
  skip = `boto3 compat tests skipped: \`import boto3\` fails under ${PYTHON} (${(err as Error).message.split('\n')[0]})`;
  console.warn(skip);
}

// Invokes one function and prints a JSON summary (or the ClientError's details) on stdout.
const SCRIPT = `
import base64, json, sys
import boto3, botocore.exceptions
url, fn, payload, log_type = sys.argv[1:5]
client = boto3.client('lambda', endpoint_url=url, region_name='us-east-1',
                      aws_access_key_id='x', aws_secret_access_key='y',
                      config=botocore.config.Config(retries={'max_attempts': 0}))
try:
    r = client.invoke(FunctionName=fn, Payload=payload.encode(), LogType=log_type)
    print(json.dumps({
        'StatusCode': r['StatusCode'],
        'FunctionError': r.get('FunctionError'),
        'ExecutedVersion': r.get('ExecutedVersion'),
        'LogResult': r.get('LogResult'),
        'RequestId': r['ResponseMetadata']['RequestId'],
        'Payload': r['Payload'].read().decode(),
    }))
except botocore.exceptions.ClientError as e:
    print(json.dumps({
        'exception': type(e).__name__,
        'modelled': isinstance(e, client.exceptions.ResourceNotFoundException),
        'Code': e.response['Error']['Code'],
        'Message': e.response['Error'].get('Message'),
        'HTTPStatusCode': e.response['ResponseMetadata']['HTTPStatusCode'],
    }))
`;

describe.skipIf(skip !== '')('boto3 lambda.invoke', () => {
  let em: TestEmulator;
  let dir: string;

  const invoke = (fn: string, payload: string, logType = 'None'): Promise<Record<string, any>> => new Promise((resolve, reject) => {
    const env = {
      PATH: '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8', AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    };
    execFile(PYTHON, ['-c', SCRIPT, em.url, fn, payload, logType], { env, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, any>);
    });
  });

  beforeAll(async () => {
    console.info(`boto3/botocore: ${versions}`);
    dir = mkdtempSync(join(tmpdir(), 'ephemera-boto3-'));
    em = await startCompatEmulator();
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (em) await stopAndCheckOrphans(em);
  });

  it('invokes echo with LogType Tail: StatusCode 200, the result payload, the log', async () => {
    const r = await invoke('echo', '{"a":1}', 'Tail');
    expect(r.StatusCode).toBe(200);
    expect(r.FunctionError).toBeNull();
    expect(r.ExecutedVersion).toBe('$LATEST');
    const body = JSON.parse(r.Payload as string) as { event: unknown; requestId: string; invokedFunctionArn: string };
    expect(body.event).toEqual({ a: 1 });
    expect(body.invokedFunctionArn).toBe(arn('echo'));
    expect(body.requestId).toBe(r.RequestId);
    expectTailLog(r.LogResult as string, r.RequestId as string);
  });

  it('a function error: FunctionError Unhandled and the error JSON as the payload', async () => {
    const r = await invoke('throws', '{"why":"boto3"}');
    expect(r.StatusCode).toBe(200);
    expect(r.FunctionError).toBe('Unhandled');
    const body = JSON.parse(r.Payload as string) as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('MyError');
    expect(body.errorMessage).toBe('boom: boto3');
  });

  it('a missing function raises the modelled ResourceNotFoundException', async () => {
    const r = await invoke('nope', '{}');
    expect(r).toEqual({
      exception: 'ResourceNotFoundException',
      modelled: true,
      Code: 'ResourceNotFoundException',
      Message: notFound('nope'),
      HTTPStatusCode: 404,
    });
  });
});
