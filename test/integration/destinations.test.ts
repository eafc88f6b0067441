// Asynchronous invocation ends in destinations, read back with the AWS SDK's SQS client from the
// embedded queues: OnSuccess/OnFailure records exactly as AWS writes them, the dead-letter message
// with its attributes, a function destination, and ZeroReservedConcurrency.
import { CreateAliasCommand, LambdaClient, PublishVersionCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

let em: TestEmulator;
let sqs: SQSClient;
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const event = (fn: string, payload: unknown) => em.invoke(fn, payload, { headers: { 'X-Amz-Invocation-Type': 'Event' } });
const starts = (fn: string, rid: string): number => em.lines.filter((l) => l.fn === fn && l.text.startsWith(`START RequestId: ${rid}`)).length;

/** Receive (and keep receiving, up to `timeoutMs`) until a message matches. */
async function receiveOne(queue: string, match: (body: any) => boolean, timeoutMs = 10_000) {
  const QueueUrl = `${em.url}/000000000000/${queue}`;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], VisibilityTimeout: 30 }));
    for (const m of Messages) {
      const body = JSON.parse(m.Body!);
      if (match(body)) return { body, message: m };
    }
  }
  throw new Error(`no matching message in ${queue} within ${timeoutMs} ms`);
}

beforeAll(async () => {
  em = await startEmulator(fixture('templates/destinations.yaml'), { isolation: 'process', timeScale: 0.001 });
  sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  sqs?.destroy();
  expect(await em.stopChecked()).toEqual([]);
});

describe('destinations', () => {
  it('writes the OnSuccess record for a successful event', async () => {
    const rid = (await event('dest-echo', { hello: 'world' })).headers.get('x-amzn-requestid')!;
    const { body } = await receiveOne('dest-ok', (b) => b.requestContext?.requestId === rid);
    expect(Object.keys(body)).toEqual(['version', 'timestamp', 'requestContext', 'requestPayload', 'responseContext', 'responsePayload']);
    expect(body).toEqual({
      version: '1.0', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestContext: { requestId: rid, functionArn: `${ARN}:dest-echo:$LATEST`, condition: 'Success', approximateInvokeCount: 1 },
      requestPayload: { hello: 'world' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      responsePayload: expect.objectContaining({ event: { hello: 'world' }, functionName: 'dest-echo' }),
    });
  });

  it('runs a failing event 1 + MaximumRetryAttempts times, then writes RetriesExhausted and dead-letters the event', async () => {
    const rid = (await event('dest-throws', { why: 'testing' })).headers.get('x-amzn-requestid')!;
    const { body } = await receiveOne('dest-fail', (b) => b.requestContext?.requestId === rid);
    expect(starts('dest-throws', rid)).toBe(2);
    expect(body).toMatchObject({
      requestContext: { requestId: rid, functionArn: `${ARN}:dest-throws:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 2 },
      requestPayload: { why: 'testing' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'MyError', errorMessage: 'boom: testing' },
    });
    const dlq = await receiveOne('dest-dlq', (b) => b.why === 'testing');
    expect(dlq.message.Body).toBe('{"why":"testing"}');
    expect(dlq.message.MessageAttributes).toEqual({
      RequestID: { DataType: 'String', StringValue: rid },
      ErrorCode: { DataType: 'Number', StringValue: '200' },
      ErrorMessage: { DataType: 'String', StringValue: 'boom: testing' },
    });
  });

  it('invokes a function destination with the record', async () => {
    const rid = (await event('dest-to-function', { why: 'chain' })).headers.get('x-amzn-requestid')!;
    const { body } = await receiveOne('dest-chain', (b) => b.requestPayload?.requestContext?.requestId === rid);
    expect(body.requestContext.functionArn).toBe(`${ARN}:dest-recorder:$LATEST`);
    expect(body.requestPayload).toMatchObject({ requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 }, requestPayload: { why: 'chain' } });
    expect(body.responsePayload.received.responsePayload).toMatchObject({ errorType: 'MyError', errorMessage: 'boom: chain' });
  });

  it('uses an EventInvokeConfig put through the API on an alias, with the alias ARN and the version run', async () => {
    const lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    try {
      const { Version } = await lambda.send(new PublishVersionCommand({ FunctionName: 'dest-echo' }));
      await lambda.send(new CreateAliasCommand({ FunctionName: 'dest-echo', Name: 'live', FunctionVersion: Version }));
      await lambda.send(new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'dest-echo', Qualifier: 'live', DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:us-east-1:000000000000:dest-chain' } },
      }));
      const rid = (await event('dest-echo:live', { via: 'alias' })).headers.get('x-amzn-requestid')!;
      const { body } = await receiveOne('dest-chain', (b) => b.requestContext?.requestId === rid);
      expect(body.requestContext).toEqual({ requestId: rid, functionArn: `${ARN}:dest-echo:live`, condition: 'Success', approximateInvokeCount: 1 });
      expect(body.responseContext).toEqual({ statusCode: 200, executedVersion: Version });
      expect(body.responsePayload).toMatchObject({ event: { via: 'alias' }, functionVersion: Version, invokedFunctionArn: `${ARN}:dest-echo:live` });
    } finally {
      lambda.destroy();
    }
  });

  it('writes ZeroReservedConcurrency without running the function', async () => {
    const rid = (await event('dest-zero', { n: 1 })).headers.get('x-amzn-requestid')!;
    const { body } = await receiveOne('dest-fail', (b) => b.requestContext?.requestId === rid);
    expect(body).toEqual({
      version: '1.0', timestamp: expect.any(String),
      requestContext: { requestId: rid, functionArn: `${ARN}:dest-zero:$LATEST`, condition: 'ZeroReservedConcurrency', approximateInvokeCount: 0 },
      requestPayload: { n: 1 },
    });
    await waitFor(() => em.eph.internals.asyncInvoker.pending === 0, 5000);
    expect(em.lines.filter((l) => l.fn === 'dest-zero')).toEqual([]);
  });
});
