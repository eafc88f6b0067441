// Invoke payloads that start with a UTF-8 byte order mark: Lambda's front end accepts them (its JSON
// parser skips the mark), so Node and Python functions, invoked synchronously and asynchronously, get
// the event itself, through raw HTTP and the AWS SDK alike.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const withBom = (value: unknown): Buffer => Buffer.concat([BOM, Buffer.from(JSON.stringify(value))]);
let em: TestEmulator;

beforeAll(async () => {
  em = await startEmulator(fixture('templates/payloads.yaml'), { isolation: 'process' });
});
afterAll(async () => {
  expect(await em.stopChecked()).toEqual([]);
});

describe('a payload that starts with a UTF-8 BOM', () => {
  it('reaches a Node function as the event (synchronous invoke)', async () => {
    const res = await em.invoke('node-event', undefined, { raw: withBom({ greeting: 'héllo' }) });
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ greeting: 'héllo' });
  });

  it('reaches a Python function as the event (synchronous invoke)', async () => {
    const res = await em.invoke('py-echo', undefined, { raw: withBom({ greeting: 'héllo' }) });
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    expect((res.json() as { event: unknown }).event).toEqual({ greeting: 'héllo' });
  });

  it('reaches Node and Python functions as the event (asynchronous invoke)', async () => {
    const node = await em.invoke('node-event', undefined, { raw: withBom({ async: 'node' }), headers: { 'X-Amz-Invocation-Type': 'Event' } });
    const py = await em.invoke('py-echo', undefined, { raw: withBom({ log: 'async-python' }), headers: { 'X-Amz-Invocation-Type': 'Event' } });
    expect([node.status, py.status]).toEqual([202, 202]);
    await waitFor(() => em.lines.some((l) => l.fn === 'node-event' && l.text.includes('EVENT {"async":"node"}')), 10_000);
    await waitFor(() => em.lines.some((l) => l.fn === 'py-echo' && l.text.includes('logged async-python')), 10_000);
    await waitFor(() => em.eph.internals.asyncInvoker.pending === 0, 5000);
    expect(em.lines.filter((l) => /Runtime\.UnmarshalError|SyntaxError/.test(l.text))).toEqual([]);
  });

  it('reaches the function as the event through the AWS SDK', async () => {
    const lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'node-event', Payload: withBom([1, 'two']) }));
    lambda.destroy();
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual([1, 'two']);
  });

  it('a BOM alone, two of them, or a BOM before something that is not JSON, is refused as Lambda refuses any non-JSON body', async () => {
    for (const raw of [BOM, Buffer.concat([BOM, Buffer.from('{nope')]), Buffer.concat([BOM, BOM, Buffer.from('{}')])]) {
      const res = await em.invoke('node-event', undefined, { raw });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    }
  });
});
