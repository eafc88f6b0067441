// InvokeWithResponseStream end to end: @aws-sdk/client-lambda's command against the emulator, real worker
// processes running streamified handlers (fixtures/functions/streaming). Chunks arrive while the handler
// still runs (it waits on a gate the test opens only after reading the first one); mid-stream errors,
// handlers that do not stream, misuse AWS's runtime refuses, DryRun, Tail and pre-stream errors.
import { InvokeWithResponseStreamCommand, type InvokeWithResponseStreamCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { type Gate, startGate } from '../helpers/gate.ts';

/**
 * A python3 whose boto3 has InvokeWithResponseStream (botocore 1.29.9x, April 2023, on): Debian's first, then
 * the python3 on PATH; empty when none has it (the skip reason is printed).
 */
const PYTHON = ((): string => {
  const why: string[] = [];
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      const out = execFileSync(py, ['-c', "import sys, botocore, botocore.session as s; print(sys.executable, botocore.__version__, 'InvokeWithResponseStream' in s.get_session().get_service_model('lambda').operation_names)"], { encoding: 'utf8', timeout: 20_000 }).trim().split(' ');
      if (out[2] === 'True') return out[0];
      why.push(`${py}: botocore ${out[1]} predates InvokeWithResponseStream`);
    } catch (err) {
      why.push(`${py}: no boto3 (${(err as Error).message.split('\n')[0]})`);
    }
  }
  console.warn(`boto3 streaming test skipped: ${why.join('; ')}`);
  return '';
})();

let em: TestEmulator;
let lambda: LambdaClient;
let gate: Gate;

beforeAll(async () => {
  em = await startEmulator(fixture('templates/streaming.yaml'));
  lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  gate = await startGate();
}, 30_000);
afterAll(async () => {
  lambda.destroy();
  await gate.close();
  expect(await em.stopChecked()).toEqual([]);
});

interface Read {
  chunks: string[];
  complete: Record<string, unknown> | undefined;
}

async function readAll(out: InvokeWithResponseStreamCommandOutput): Promise<Read> {
  const read: Read = { chunks: [], complete: undefined };
  for await (const event of out.EventStream!) {
    if (event.PayloadChunk) read.chunks.push(Buffer.from(event.PayloadChunk.Payload!).toString());
    if (event.InvokeComplete) read.complete = { ...event.InvokeComplete };
  }
  return read;
}

const invoke = (FunctionName: string, payload: unknown = {}, extra: Partial<ConstructorParameters<typeof InvokeWithResponseStreamCommand>[0]> = {}) =>
  lambda.send(new InvokeWithResponseStreamCommand({ FunctionName, Payload: Buffer.from(JSON.stringify(payload)), ...extra }));

describe('InvokeWithResponseStream', () => {
  it('chunks reach the SDK while the handler still runs', async () => {
    const out = await invoke('gated', { gate: gate.url });
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.ResponseStreamContentType).toBe('application/octet-stream');
    const iterator = out.EventStream![Symbol.asyncIterator]();
    const first = await iterator.next();
    // The handler is now parked on the gate: the first chunk came before it finished.
    expect(Buffer.from(first.value.PayloadChunk.Payload).toString()).toBe('first;');
    await gate.open();
    const rest: string[] = [];
    let complete: unknown;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      if (next.value.PayloadChunk) rest.push(Buffer.from(next.value.PayloadChunk.Payload!).toString());
      if (next.value.InvokeComplete) complete = { ...next.value.InvokeComplete };
    }
    expect(rest.join('')).toBe('second;last');
    expect(complete).toEqual({});
  });

  it('a mid-stream error: the chunks written before it, then InvokeComplete with ErrorCode and ErrorDetails', async () => {
    const out = await invoke('fails');
    expect(out.ResponseStreamContentType).toBe('text/plain');
    const read = await readAll(out);
    expect(read.chunks.join('')).toBe('partial;');
    expect(read.complete).toEqual({ ErrorCode: 'TypeError', ErrorDetails: 'boom mid-stream' });
    // The environment survives a function error: the next invoke is warm and streams again.
    expect((await readAll(await invoke('fails'))).complete).toMatchObject({ ErrorCode: 'TypeError' });
  });

  it('LogResult carries the log tail, REPORT included, when asked for (Tail)', async () => {
    const out = await invoke('objects', {}, { LogType: 'Tail' });
    const read = await readAll(out);
    expect(read.chunks.join('')).toBe('{"a":1}');
    const log = Buffer.from(String(read.complete!.LogResult), 'base64').toString();
    expect(log).toContain('Streaming handlers ignore return values.');
    expect(log).toMatch(/REPORT RequestId: \S+\tDuration/);
  });

  it('AWS runtime refusals end the stream with an error: a handler that is not async, a stream left open', async () => {
    const sync = await readAll(await invoke('not-async'));
    expect(sync.chunks.join('')).toBe('sync;');
    expect(sync.complete).toEqual({ ErrorCode: 'string', ErrorDetails: 'Streaming does not support non-async handlers.' });
    const open = await readAll(await invoke('unfinished'));
    expect(open.chunks.join('')).toBe('open;');
    expect(open.complete).toEqual({ ErrorCode: 'string', ErrorDetails: 'Response stream is not finished.' });
  });

  it('a handler that does not stream: its result as one chunk', async () => {
    const read = await readAll(await invoke('plain'));
    expect(read.chunks).toEqual(['{"statusCode":202,"body":"plain"}']);
    expect(read.complete).toEqual({});
  });

  it('DryRun answers 204; a missing function and a bad invocation type are ordinary errors', async () => {
    expect((await invoke('gated', {}, { InvocationType: 'DryRun' })).StatusCode).toBe(204);
    await expect(invoke('nope')).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    const res = await fetch(`${em.url}/2021-11-15/functions/gated/response-streaming-invocations`, { method: 'POST', body: '{}', headers: { 'X-Amz-Invocation-Type': 'Event' } });
    expect([res.status, (await res.json() as { Type?: string; message?: string }).message]).toEqual([400, expect.stringContaining("Value 'Event' at 'invocationType'")]);
  });

  it('a streamified handler through the plain Invoke API: the stream buffered into the payload', async () => {
    const ok = await em.invoke('objects', {});
    expect([ok.status, ok.body]).toEqual([200, '{"a":1}']);
    const failed = await em.invoke('fails', {});
    expect(failed.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(failed.json()).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom mid-stream' });
  });

  it('a caller that goes away mid-stream: the function runs on to its end and its environment serves the next', async () => {
    const abort = new AbortController();
    const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'gated', Payload: Buffer.from(JSON.stringify({ gate: gate.url })) }), { abortSignal: abort.signal });
    const iterator = out.EventStream![Symbol.asyncIterator]();
    expect((await iterator.next()).value.PayloadChunk).toBeDefined();
    abort.abort();
    await gate.open();
    expect(await em.report(out.$metadata.requestId!)).toMatch(/^REPORT RequestId: /);
    const again = await readAll(await invoke('gated'));
    expect(again.chunks.join('')).toBe('first;second;last');
    expect(em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'gated')).toHaveLength(1);
  });

  it('the function timeout mid-stream: the bytes sent, then Sandbox.Timedout', async () => {
    const read = await readAll(await invoke('stalls'));
    expect(read.chunks.join('')).toBe('before the timeout;');
    expect(read.complete).toEqual({ ErrorCode: 'Sandbox.Timedout', ErrorDetails: expect.stringMatching(/Task timed out after 1\.00 seconds/) });
  });

  it('a runtime that exits mid-stream: the bytes sent, then Runtime.ExitError', async () => {
    const read = await readAll(await invoke('crashes'));
    expect(read.chunks.join('')).toBe('before the crash;');
    expect(read.complete).toMatchObject({ ErrorCode: 'Runtime.ExitError', ErrorDetails: expect.stringContaining('exit status 3') });
  });

  it.skipIf(!PYTHON)("boto3's invoke_with_response_stream reads the same event stream", async () => {
    const script = [
      'import boto3, json, sys',
      "c = boto3.client('lambda', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')",
      "r = c.invoke_with_response_stream(FunctionName='fails', Payload=b'{}')",
      "out = {'type': r['ResponseStreamContentType'], 'chunks': [], 'complete': None}",
      "for e in r['EventStream']:",
      "    if 'PayloadChunk' in e: out['chunks'].append(e['PayloadChunk']['Payload'].decode())",
      "    if 'InvokeComplete' in e: out['complete'] = e['InvokeComplete']",
      'print(json.dumps(out))',
    ].join('\n');
    const stdout = await new Promise<string>((resolve, reject) => execFile(PYTHON, ['-c', script, em.url], { timeout: 30_000, env: { PATH: '/usr/bin:/bin' } }, (err, out, stderr) => (err ? reject(new Error(stderr)) : resolve(out))));
    expect(JSON.parse(stdout)).toEqual({ type: 'text/plain', chunks: ['partial;'], complete: { ErrorCode: 'TypeError', ErrorDetails: 'boom mid-stream' } });
  });
});
