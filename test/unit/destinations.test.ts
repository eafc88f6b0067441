// The invocation record and dead-letter message of async/destinations.ts, with an in-memory queue
// directory standing in for the queue engine (the delivery through real queues is integration-tested).
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Destinations, destinationWarnings, invocationRecord, undeliverable, type FinishedEvent } from '../../server/async/destinations.ts';
import type { FunctionConfig } from '../../server/model.ts';
import type { LambdaApiError } from '../../server/errors.ts';
import { checkDestinations } from '../../server/http/event-invoke-config-routes.ts';
import { Registry } from '../../server/registry/registry.ts';
import type { MessageAttributeValue, Queue, SendInput } from '../../services/sqs/queue.ts';
import { ManualClock } from '../helpers/manual-clock.ts';

const config: FunctionConfig = {
  name: 'fn', logicalId: 'Fn', codeDir: '/x', handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128, timeout: 3,
  environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text',
  eventInvokeConfig: { onSuccess: 'arn:aws:sqs:us-east-1:000000000000:ok', onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:handler' },
  deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq',
};
const failure: FinishedEvent = {
  requestId: 'r-1', config, functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST', payload: Buffer.from('{"k":"v"}'),
  condition: 'RetriesExhausted', approximateInvokeCount: 3, errorCode: 200,
  last: { executedVersion: '$LATEST', functionError: 'Unhandled', payload: Buffer.from(JSON.stringify({ errorType: 'Error', errorMessage: 'x'.repeat(2000) })) },
};

function harness() {
  const sent: Array<{ arn: string; input: SendInput }> = [];
  const invoked: Array<{ ref: string; payload: string }> = [];
  const published: Array<{ arn: string; message: string; attributes?: Record<string, MessageAttributeValue> }> = [];
  const queue = (arn: string) => ({ arn, send: async (input: SendInput) => { sent.push({ arn, input }); return { messageId: 'm', md5OfMessageBody: '' }; } }) as unknown as Queue;
  const d = new Destinations({
    queues: { byArn: (arn) => (arn.endsWith(':missing') ? undefined : queue(arn)) },
    invokeAsync: async (ref, payload) => { invoked.push({ ref, payload: payload.toString() }); return 'id'; },
    // SNS's Publish: a topic that is not there is its NotFound.
    topics: {
      publish: (arn, message, attributes) => {
        if (arn.endsWith(':gone')) throw new Error('Topic does not exist');
        published.push({ arn, message, attributes });
      },
    },
    logger: pino({ level: 'silent' }),
    clock: new ManualClock({ start: Date.parse('2019-11-14T18:16:05.568Z') }),
  });
  return { d, sent, invoked, published };
}

describe('invocation record', () => {
  it('is the record AWS writes, payloads embedded as JSON', () => {
    const record = invocationRecord(failure, new Date('2019-11-14T18:16:05.568Z'));
    expect(Object.keys(record)).toEqual(['version', 'timestamp', 'requestContext', 'requestPayload', 'responseContext', 'responsePayload']);
    expect(record).toMatchObject({
      version: '1.0', timestamp: '2019-11-14T18:16:05.568Z',
      requestContext: { requestId: 'r-1', functionArn: failure.functionArn, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { k: 'v' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error' },
    });
  });

  it('has no response for ZeroReservedConcurrency and no functionError on success', () => {
    const zero = invocationRecord({ ...failure, condition: 'ZeroReservedConcurrency', approximateInvokeCount: 0, last: undefined });
    expect(zero).not.toHaveProperty('responseContext');
    expect(zero).not.toHaveProperty('responsePayload');
    const ok = invocationRecord({ ...failure, condition: 'Success', approximateInvokeCount: 1, last: { executedVersion: '$LATEST', payload: Buffer.from('null') } });
    expect(ok.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(ok.responsePayload).toBeNull();
  });
});

describe('delivery', () => {
  it('sends the failure record to the OnFailure function and the event to the DLQ with its attributes', async () => {
    const { d, sent, invoked } = harness();
    await d.finish(failure);
    expect(invoked).toHaveLength(1);
    expect(invoked[0].ref).toBe('arn:aws:lambda:us-east-1:000000000000:function:handler');
    expect(JSON.parse(invoked[0].payload)).toMatchObject({ timestamp: '2019-11-14T18:16:05.568Z', requestContext: { condition: 'RetriesExhausted' } });
    expect(sent).toHaveLength(1);
    const dlq = sent[0];
    expect(dlq.arn).toBe('arn:aws:sqs:us-east-1:000000000000:dlq');
    expect(dlq.input.body).toBe('{"k":"v"}');
    expect(dlq.input.messageAttributes?.RequestID).toEqual({ DataType: 'String', StringValue: 'r-1' });
    expect(dlq.input.messageAttributes?.ErrorCode).toEqual({ DataType: 'Number', StringValue: '200' });
    expect(Buffer.byteLength(dlq.input.messageAttributes!.ErrorMessage.StringValue!)).toBe(1024);
  });

  it('sends the success record to the OnSuccess queue only', async () => {
    const { d, sent, invoked } = harness();
    await d.finish({ ...failure, condition: 'Success', approximateInvokeCount: 1, last: { executedVersion: '$LATEST', payload: Buffer.from('{"ok":1}') } });
    expect(invoked).toHaveLength(0);
    expect(sent.map((s) => s.arn)).toEqual(['arn:aws:sqs:us-east-1:000000000000:ok']);
    expect(JSON.parse(sent[0].input.body).responsePayload).toEqual({ ok: 1 });
  });

  it('publishes the record to an SNS destination, and the event to a dead-letter topic with its attributes as message attributes', async () => {
    const { d, sent, published } = harness();
    const topic = 'arn:aws:sns:us-east-1:000000000000:t';
    await d.finish({ ...failure, config: { ...config, eventInvokeConfig: { onFailure: topic }, deadLetterTargetArn: `${topic}-dlq` } });
    expect(sent).toHaveLength(0);
    expect(published.map((p) => p.arn)).toEqual([topic, `${topic}-dlq`]);
    expect(JSON.parse(published[0].message).requestContext).toMatchObject({ requestId: 'r-1', condition: 'RetriesExhausted' });
    expect(published[0].attributes).toBeUndefined();
    expect(published[1].message).toBe('{"k":"v"}');
    expect(Object.keys(published[1].attributes!)).toEqual(['RequestID', 'ErrorCode', 'ErrorMessage']);
    expect(published[1].attributes!.ErrorCode).toEqual({ DataType: 'Number', StringValue: '200' });
  });

  it('drops (and does not throw for) undeliverable or missing targets', async () => {
    const { d, sent, published } = harness();
    await d.finish({ ...failure, config: { ...config, eventInvokeConfig: { onFailure: 'arn:aws:sns:us-east-1:000000000000:gone' }, deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:missing' } });
    await d.finish({ ...failure, config: { ...config, eventInvokeConfig: { onFailure: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }, deadLetterTargetArn: 'arn:aws:sns:us-east-1:000000000000:gone' } });
    expect(sent).toHaveLength(0);
    expect(published).toHaveLength(0);
    expect(undeliverable('arn:aws:events:us-east-1:000000000000:event-bus/default')).toMatch(/EventBridge/);
    expect(undeliverable('arn:aws:sqs:us-east-1:000000000000:q')).toBeUndefined();
  });
});

describe('start-up warnings', () => {
  it('names targets that will receive nothing: EventBridge, FIFO queues, the function itself', () => {
    const ctx = { region: 'us-east-1', accountId: '000000000000' };
    const warnings = destinationWarnings([
      { ...config, eventInvokeConfig: { onSuccess: 'arn:aws:events:us-east-1:000000000000:event-bus/default', onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:fn:live' }, deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:q.fifo' },
      { ...config, name: 'ok', logicalId: 'Ok' },
    ], ctx);
    expect(warnings.map((w) => `${w.resource}: ${w.message}`)).toEqual([
      'Fn: asynchronous results for arn:aws:events:us-east-1:000000000000:event-bus/default are not delivered: EventBridge buses are not emulated',
      "Fn: asynchronous results for arn:aws:lambda:us-east-1:000000000000:function:fn:live are not delivered: You can't specify the function as a destination for itself.",
      'Fn: asynchronous results for arn:aws:sqs:us-east-1:000000000000:q.fifo are not delivered: FIFO queues are not supported as destinations',
    ]);
  });
});

describe('targets the start-up warnings say receive nothing', () => {
  it('never invoke the function itself (an endless loop of async invocations) nor write to a FIFO queue', async () => {
    const { d, sent, invoked } = harness();
    const self = 'arn:aws:lambda:us-east-1:000000000000:function:fn';
    const selfish = { ...config, eventInvokeConfig: { onSuccess: `${self}:live`, onFailure: self }, deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq.fifo' };
    await d.finish({ ...failure, config: selfish, condition: 'Success', last: { executedVersion: '$LATEST', payload: Buffer.from('1') } });
    await d.finish({ ...failure, config: selfish });
    await d.finish({ ...failure, config: { ...config, eventInvokeConfig: { onFailure: 'arn:aws:sqs:us-east-1:000000000000:out.fifo' }, deadLetterTargetArn: undefined } });
    expect(invoked).toEqual([]);
    expect(sent).toEqual([]);
    // Another function is still a destination.
    await d.finish({ ...failure, config: { ...config, eventInvokeConfig: { onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:fn2' }, deadLetterTargetArn: undefined } });
    expect(invoked.map((i) => i.ref)).toEqual(['arn:aws:lambda:us-east-1:000000000000:function:fn2']);
  });
});

describe('DestinationConfig of Put/UpdateFunctionEventInvokeConfig', () => {
  const reg = new Registry([{ ...config, eventInvokeConfig: undefined }, { ...config, name: 'other', logicalId: 'Other', eventInvokeConfig: undefined }], { region: 'us-east-1', accountId: '000000000000' });
  const check = (arn: string, key: 'OnSuccess' | 'OnFailure' = 'OnFailure') => {
    try {
      return checkDestinations(reg, 'fn', { [key]: { Destination: arn } });
    } catch (err) {
      return `${(err as LambdaApiError).wireType}: ${(err as Error).message}`;
    }
  };

  it('matches the whole ARN against the model pattern (not a substring of it)', () => {
    expect(check('garbage arn:aws:sqs:us-east-1:000000000000:q')).toMatch(/^ValidationException: 1 validation error detected: Value 'garbage arn:aws:sqs:us-east-1:000000000000:q' at 'destinationConfig.onFailure.destination'/);
    expect(check('arn:aws:sqs:us-east-1:000000000000:q')).toEqual({ onFailure: 'arn:aws:sqs:us-east-1:000000000000:q', onSuccess: undefined });
  });

  it('refuses the function itself, FIFO queues and S3 on success', () => {
    expect(check('arn:aws:lambda:us-east-1:000000000000:function:fn:live')).toBe("InvalidParameterValueException: You can't specify the function as a destination for itself.");
    expect(check('arn:aws:sqs:us-east-1:000000000000:q.fifo')).toMatch(/^InvalidParameterValueException: The provided destination config DestinationConfig\(onSuccess=null, onFailure=OnFailure\(destination=arn:aws:sqs:us-east-1:000000000000:q\.fifo\)\) is invalid\.$/);
    expect(check('arn:aws:s3:::bucket', 'OnSuccess')).toMatch(/^InvalidParameterValueException: The provided destination config/);
    expect(check('arn:aws:lambda:us-east-1:000000000000:function:other')).toEqual({ onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:other', onSuccess: undefined });
  });
});
