// AWS SDK for JavaScript v3 (@aws-sdk/client-lambda) against a real emulator: InvokeCommand
// results, function errors, Tail logs, ClientContext, every FunctionName form, and the service
// errors the SDK must recognise by name and status.
import { InvokeCommand, type InvokeCommandInput, LambdaClient, LambdaServiceException, RequestTooLargeException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEmulator } from '../helpers/emulator.ts';
import { ACCOUNT, arn, expectTailLog, notFound, REGION, startCompatEmulator, stopAndCheckOrphans } from './helpers.ts';

const text = (p: Uint8Array | undefined): string => Buffer.from(p ?? new Uint8Array()).toString('utf8');

describe('@aws-sdk/client-lambda InvokeCommand', () => {
  let em: TestEmulator;
  let client: LambdaClient;
  beforeAll(async () => {
    em = await startCompatEmulator();
    client = new LambdaClient({ endpoint: em.url, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await stopAndCheckOrphans(em);
  });

  const invoke = (input: InvokeCommandInput) => client.send(new InvokeCommand(input));
  /** The rejection of an invoke that must fail, as the SDK's modelled or generic exception. */
  const failure = async (input: InvokeCommandInput): Promise<LambdaServiceException> => {
    const err = await invoke(input).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(LambdaServiceException);
    return err as LambdaServiceException;
  };

  it('returns the result bytes, StatusCode 200, $LATEST and the request id the function saw', async () => {
    const res = await invoke({ FunctionName: 'echo', Payload: Buffer.from(JSON.stringify({ a: 1, s: 'ü' })) });
    expect(res.StatusCode).toBe(200);
    expect(res.ExecutedVersion).toBe('$LATEST');
    expect(res.FunctionError).toBeUndefined();
    expect(res.LogResult).toBeUndefined();
    const body = JSON.parse(text(res.Payload)) as Record<string, unknown>;
    expect(body.event).toEqual({ a: 1, s: 'ü' });
    expect(body.functionName).toBe('echo');
    expect(body.invokedFunctionArn).toBe(arn('echo'));
    expect(res.$metadata.httpStatusCode).toBe(200);
    expect(res.$metadata.requestId).toBe(body.requestId);
  });

  it('reports a function error as FunctionError Unhandled with the error payload', async () => {
    const res = await invoke({ FunctionName: 'throws', Payload: Buffer.from('{"why":"sdk"}') });
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe('Unhandled');
    expect(res.ExecutedVersion).toBe('$LATEST');
    const body = JSON.parse(text(res.Payload)) as { errorType: string; errorMessage: string; trace: string[] };
    expect(body.errorType).toBe('MyError');
    expect(body.errorMessage).toBe('boom: sdk');
    expect(Array.isArray(body.trace)).toBe(true);
  });

  it("LogType Tail: LogResult is the base64 START…END…REPORT log of this request", async () => {
    const res = await invoke({ FunctionName: 'echo', LogType: 'Tail', Payload: Buffer.from('{}') });
    const rid = res.$metadata.requestId!;
    expect((JSON.parse(text(res.Payload)) as { requestId: string }).requestId).toBe(rid);
    expectTailLog(res.LogResult, rid);
    expect(Buffer.from(res.LogResult!, 'base64').toString('utf8')).toMatch(new RegExp(`\\tINFO\\techo ${rid}\\n`));
  });

  it("ClientContext (base64 JSON) arrives as the function's context.clientContext", async () => {
    const cc = { client: { installation_id: 'inst-1', app_title: 'compat', app_version_code: '1', app_package_name: 'p' }, custom: { k: 'v' }, env: { platform: 'node' } };
    const res = await invoke({ FunctionName: 'echo', ClientContext: Buffer.from(JSON.stringify(cc)).toString('base64') });
    expect(res.FunctionError).toBeUndefined();
    const body = JSON.parse(text(res.Payload)) as { clientContext: unknown };
    expect(body.clientContext).toEqual(cc);
  });

  it.each([
    ['Qualifier $LATEST', { FunctionName: 'echo', Qualifier: '$LATEST' }, `${arn('echo')}:$LATEST`],
    ['name:$LATEST', { FunctionName: 'echo:$LATEST' }, `${arn('echo')}:$LATEST`],
    ['full ARN', { FunctionName: arn('echo') }, arn('echo')],
    ['full ARN:$LATEST', { FunctionName: `${arn('echo')}:$LATEST` }, `${arn('echo')}:$LATEST`],
    ['partial ARN', { FunctionName: `${ACCOUNT}:function:echo` }, arn('echo')],
  ])('resolves %s', async (_label, input: InvokeCommandInput, invokedArn) => {
    const res = await invoke({ ...input, Payload: Buffer.from('{"form":1}') });
    expect(res.StatusCode).toBe(200);
    expect(res.ExecutedVersion).toBe('$LATEST');
    const body = JSON.parse(text(res.Payload)) as { event: unknown; invokedFunctionArn: string };
    expect(body.event).toEqual({ form: 1 });
    expect(body.invokedFunctionArn).toBe(invokedArn);
  });

  it.each([
    ['a name', 'nope'],
    ['a full ARN', arn('nope')],
    ['a partial ARN', `${ACCOUNT}:function:nope`],
  ])('an unknown function (%s) throws ResourceNotFoundException 404', async (_label, name) => {
    const err = await failure({ FunctionName: name });
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.$fault).toBe('client');
    expect((err as LambdaServiceException & { Type?: string }).Type).toBe('User');
    expect(err.message).toBe(notFound('nope'));
    expect(err.$metadata.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('an ARN from another region throws ResourceNotFoundException with AWS\'s message', async () => {
    const err = await failure({ FunctionName: 'arn:aws:lambda:ap-southeast-1:000000000000:function:echo' });
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.message).toBe("Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')");
  });

  it('a payload that is not JSON throws InvalidRequestContentException 400', async () => {
    const err = await failure({ FunctionName: 'echo', Payload: Buffer.from('{bad') });
    expect(err.name).toBe('InvalidRequestContentException');
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toMatch(/^Could not parse request body into json: Could not parse payload into json: /);
  });

  it('a request over 6 MB is 413 RequestEntityTooLargeException (the wire name, not the model\'s RequestTooLargeException)', async () => {
    // Valid JSON of exactly 6 MiB + 1 byte, so only the size can be wrong.
    const payload = Buffer.alloc(6 * 1024 * 1024 + 1, 0x61);
    payload[0] = 0x22;
    payload[payload.length - 1] = 0x22;
    const err = await failure({ FunctionName: 'echo', Payload: payload });
    // The SDK names the error after x-amzn-ErrorType; it has no modelled class for the wire name,
    // so this is a generic LambdaServiceException carrying that name.
    expect(err.name).toBe('RequestEntityTooLargeException');
    expect(err).not.toBeInstanceOf(RequestTooLargeException);
    expect(err.$metadata.httpStatusCode).toBe(413);
    expect(err.message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    // Exactly 6 MiB is accepted (its echo then exceeds the 6 MB response cap: a function error).
    const exact = Buffer.concat([payload.subarray(0, 6 * 1024 * 1024 - 1), Buffer.from('"')]);
    const fine = await invoke({ FunctionName: 'echo', Payload: exact });
    expect(fine.StatusCode).toBe(200);
    expect(fine.FunctionError).toBe('Unhandled');
    expect((JSON.parse(text(fine.Payload)) as { errorType: string }).errorType).toBe('Function.ResponseSizeTooLarge');
  });

  it('InvocationType DryRun answers StatusCode 204 with no payload', async () => {
    const res = await invoke({ FunctionName: 'echo', InvocationType: 'DryRun' });
    expect(res.StatusCode).toBe(204);
    expect(res.FunctionError).toBeUndefined();
    expect(text(res.Payload)).toBe('');
    const missing = await failure({ FunctionName: 'nope', InvocationType: 'DryRun' });
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('InvocationType Event answers StatusCode 202 and the function runs with that request id', async () => {
    const res = await invoke({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{"async":1}') });
    expect(res.StatusCode).toBe(202);
    expect(text(res.Payload)).toBe('');
    const rid = res.$metadata.requestId;
    for (let i = 0; i < 100 && !em.lines.some((l) => l.text === `START RequestId: ${rid} Version: $LATEST`); i++) await new Promise((r) => setTimeout(r, 20));
    expect(em.lines.some((l) => l.text === `START RequestId: ${rid} Version: $LATEST`)).toBe(true);
  });

  it('a timed-out function is FunctionError Unhandled with Sandbox.Timedout', async () => {
    const res = await invoke({ FunctionName: 'timeout', Payload: Buffer.from('{"sleepMs":10000}') });
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe('Unhandled');
    const rid = res.$metadata.requestId;
    expect(JSON.parse(text(res.Payload))).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${rid} Error: Task timed out after 1.00 seconds`,
    });
  });
});
