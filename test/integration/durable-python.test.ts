// The Python durable SDK against ephemera, where it can be had: it is published on PyPI only (not on
// npm, not in Debian), and needs a botocore whose model has the durable operations. Skipped with the
// reason otherwise.
import { execFileSync } from 'node:child_process';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

const missing = (() => {
  try {
    execFileSync('python3', ['-c', [
      'import aws_durable_execution_sdk_python, botocore.session',
      "assert 'CheckpointDurableExecution' in botocore.session.get_session().get_service_model('lambda').operation_names",
    ].join('\n')], { stdio: 'pipe' });
    return '';
  } catch {
    return 'aws-durable-execution-sdk-python (PyPI only) or a botocore with the durable operations is not importable by python3';
  }
})();
if (missing) console.warn(`durable Python test skipped: ${missing}`);

describe.skipIf(missing)('a durable Python function', () => {
  let em: TestEmulator;
  let lambda: LambdaClient;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates', 'durable-python.yaml'), { timeScale: 0.001 });
    lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  }, 30_000);
  afterAll(async () => {
    lambda?.destroy();
    if (em) expect(await em.stopChecked()).toEqual([]);
  });

  test('a step and a wait, replayed after the wait', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'py-durable', Qualifier: '$LATEST', Payload: '{"name":"Py"}' }));
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ statusCode: 200, body: JSON.stringify({ message: 'Hello, Py!' }) });
  }, 60_000);
});
