// The per-environment Runtime API listener over real loopback sockets with a recording host:
// delivery headers, answers, and every documented error answer (RIE's statuses and wording).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvokeEvent, RuntimeApiHost } from '../../runtime-api/host.ts';
import { RuntimeApiServer } from '../../runtime-api/server.ts';
import { waitFor } from '../helpers/emulator.ts';

class RecordingHost implements RuntimeApiHost {
  calls: string[] = [];
  payloads: string[] = [];
  initReady() { this.calls.push('init-ready'); }
  invocationDone(id: string) { this.calls.push(`done:${id}`); }
  invocationResponse(id: string, payload: Buffer) { this.calls.push(`response:${id}`); this.payloads.push(payload.toString()); }
  invocationError(id: string, payload: Buffer, type: string) { this.calls.push(`error:${id}:${type}`); this.payloads.push(payload.toString()); }
  initError(payload: Buffer, type: string) { this.calls.push(`init-error:${type}`); this.payloads.push(payload.toString()); }
}

let host: RecordingHost;
let api: RuntimeApiServer;
let base: string;
const event = (id: string, extra: Partial<InvokeEvent> = {}): InvokeEvent => ({
  requestId: id, payload: Buffer.from('{"n":1}'), deadlineMs: 1_900_000_000_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', ...extra,
});
const post = (path: string, body: string | Buffer = '{}', headers: Record<string, string> = {}) =>
  fetch(`${base}/2018-06-01/runtime/${path}`, { method: 'POST', body, headers });
const next = () => fetch(`${base}/2018-06-01/runtime/invocation/next`);

beforeEach(async () => {
  host = new RecordingHost();
  api = new RuntimeApiServer(host);
  base = `http://${await api.listen()}`;
});
afterEach(() => api.close());

describe('Runtime API', () => {
  it('parks /next until an event arrives, with every Lambda-Runtime-* header', async () => {
    const pending = next();
    await waitFor(() => host.calls.length > 0);
    expect(host.calls).toEqual(['init-ready']);
    api.dispatch(event('r1', { traceId: 'Root=1-a-b;Parent=c;Sampled=1', clientContext: '{"custom":{}}', cognitoIdentity: '{"cognitoIdentityId":"i"}', tenantId: 't1' }));
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"n":1}');
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe('r1');
    expect(res.headers.get('lambda-runtime-deadline-ms')).toBe('1900000000000');
    expect(res.headers.get('lambda-runtime-invoked-function-arn')).toBe('arn:aws:lambda:us-east-1:000000000000:function:f');
    expect(res.headers.get('lambda-runtime-trace-id')).toBe('Root=1-a-b;Parent=c;Sampled=1');
    expect(res.headers.get('lambda-runtime-client-context')).toBe('{"custom":{}}');
    expect(res.headers.get('lambda-runtime-cognito-identity')).toBe('{"cognitoIdentityId":"i"}');
    expect(res.headers.get('lambda-runtime-aws-tenant-id')).toBe('t1');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('delivers an event dispatched before /next as soon as the runtime asks', async () => {
    api.dispatch(event('early'));
    const res = await next();
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe('early');
  });

  it('takes a response (202) and then reports the invocation done once the runtime is back at /next', async () => {
    api.dispatch(event('r1'));
    await (await next()).text();
    const res = await post('invocation/r1/response', '{"ok":true}');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'OK' });
    const again = next();
    await waitFor(() => host.calls.includes('done:r1'));
    expect(host.calls).toEqual(['init-ready', 'response:r1', 'done:r1']);
    expect(host.payloads).toEqual(['{"ok":true}']);
    api.dispatch(event('r2'));
    expect((await again).headers.get('lambda-runtime-aws-request-id')).toBe('r2');
  });

  it('re-delivers the current event to a second /next while running (RIE)', async () => {
    api.dispatch(event('r1'));
    await (await next()).text();
    const res = await next();
    expect(res.headers.get('lambda-runtime-aws-request-id')).toBe('r1');
  });

  it('400 InvalidRequestID for an unknown request id', async () => {
    api.dispatch(event('r1'));
    await (await next()).text();
    const res = await post('invocation/other/response');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });
  });

  it('403 InvalidStateTransition for a second response to the same id', async () => {
    api.dispatch(event('r1'));
    await (await next()).text();
    expect((await post('invocation/r1/response')).status).toBe(202);
    const res = await post('invocation/r1/response');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      errorType: 'InvalidStateTransition',
      errorMessage: 'State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed',
    });
    expect(host.calls.filter((c) => c.startsWith('response'))).toHaveLength(1);
  });

  it('413 RequestEntityTooLarge over 6 MiB + 100, and the caller gets Function.ResponseSizeTooLarge', async () => {
    api.dispatch(event('r1'));
    await (await next()).text();
    const res = await post('invocation/r1/response', Buffer.alloc(6 * 1024 * 1024 + 101, 0x61));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errorType: 'RequestEntityTooLarge', errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).' });
    expect(host.calls.at(-1)).toBe('error:r1:Function.ResponseSizeTooLarge');
    expect(JSON.parse(host.payloads.at(-1)!).errorType).toBe('Function.ResponseSizeTooLarge');
  });

  it('takes the error type from the header, else from the body (AWS Node client), and strips errorCause', async () => {
    api.dispatch(event('r1'));
    await (await next()).text();
    await post('invocation/r1/error', '{"errorType":"TypeError","errorMessage":"x","trace":[]}');
    expect(host.calls.at(-1)).toBe('error:r1:TypeError');
    await (await (api.dispatch(event('r2')), next())).text();
    await post('invocation/r2/error', '{"errorMessage":"y"}', { 'Lambda-Runtime-Function-Error-Type': 'Custom.Thing' });
    expect(host.calls.at(-1)).toBe('error:r2:Custom.Thing');
    await (await (api.dispatch(event('r3')), next())).text();
    await post('invocation/r3/error', '{"errorType":"E","errorMessage":"z","errorCause":{"paths":[]}}', { 'content-type': 'application/vnd.aws.lambda.error.cause+json' });
    expect(JSON.parse(host.payloads.at(-1)!)).toEqual({ errorType: 'E', errorMessage: 'z' });
  });

  it('accepts init/error before the first /next, refuses it after', async () => {
    const res = await post('init/error', '{"errorType":"Runtime.ImportModuleError","errorMessage":"m"}', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
    expect(res.status).toBe(202);
    expect(host.calls).toEqual(['init-error:Runtime.ImportModuleError']);

    const fresh = new RuntimeApiServer(new RecordingHost());
    const url = `http://${await fresh.listen()}`;
    const parked = fetch(`${url}/2018-06-01/runtime/invocation/next`);
    await new Promise((r) => setTimeout(r, 30));
    const late = await fetch(`${url}/2018-06-01/runtime/init/error`, { method: 'POST', body: '{}' });
    expect(late.status).toBe(403);
    expect(((await late.json()) as { errorType: string }).errorType).toBe('InvalidStateTransition');
    await fresh.close();
    await parked.catch(() => undefined);
  });

  it('404 for unknown paths, 405 for wrong methods', async () => {
    expect((await fetch(`${base}/2018-06-01/runtime/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/whatever`)).status).toBe(404);
    expect((await fetch(`${base}/2018-06-01/runtime/invocation/next`, { method: 'POST', body: '' })).status).toBe(405);
  });
});
