// The Invoke API's core, free of any HTTP framework: validate the request (invocation type, JSON,
// UTF-8, client context), run it, and shape Lambda's answer. Used by the fastify route and the raw
// fast path alike, so both answer exactly the same.
import { randomFillSync, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { check } from '../../lib/aws-validation.ts';
import { InvalidParameterValueException, InvalidRequestContentException, RequestEntityTooLargeException, invalidInput } from '../errors.ts';
import { ASYNC_PAYLOAD_LIMIT, type AsyncInvoker } from '../async/async-invoker.ts';
import type { SyncInvoker } from '../invoke/invocation-service.ts';
import type { DurableDoor } from '../durable/durable-door.ts';
import type { Registry } from '../registry/registry.ts';
import type { WireAnswer } from '../../services/wire/wire-contract.ts';
import { payloadFault } from './payload-json.ts';

export interface InvokeDeps {
  registry: Registry;
  invoker: SyncInvoker;
  asyncInvoker: AsyncInvoker;
  /** Durable functions start executions (server/durable/). */
  durable?: DurableDoor;
}

export interface InvokeHttpRequest {
  /** The FunctionName path segment, already URL-decoded. */
  functionName: string;
  qualifier: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer | undefined;
}

const CLIENT_CONTEXT_LIMIT = 3583;
const INVOCATION_TYPES = ['Event', 'RequestResponse', 'DryRun'];
// ignoreBOM: a mark is dropped once, above, from the bytes passed on; a second one is not JSON.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Throws LambdaApiError for bad input; function errors are answers (200 + X-Amz-Function-Error). */
export async function handleInvoke(deps: InvokeDeps, req: InvokeHttpRequest): Promise<WireAnswer> {
  const resolved = deps.registry.resolve(req.functionName, req.qualifier);
  const type = header(req.headers, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!INVOCATION_TYPES.includes(type)) {
    throw invalidInput(check(type, { enum: INVOCATION_TYPES }, 'invocationType'));
  }
  const payload = validatePayload(req.body);
  if (resolved.fn.config.durableConfig && deps.durable) {
    return deps.durable.invokeApi({
      resolved, payload, type: type as 'RequestResponse' | 'Event' | 'DryRun', name: header(req.headers, 'x-amz-durable-execution-name'),
      tail: header(req.headers, 'x-amz-log-type') === 'Tail', traceId: header(req.headers, 'x-amzn-trace-id') ?? newTraceId(),
    });
  }
  if (type === 'DryRun') return { status: 204, headers: { 'x-amzn-RequestId': randomUUID() }, body: '' };
  if (type === 'Event') {
    if (payload.length > ASYNC_PAYLOAD_LIMIT) {
      throw new RequestEntityTooLargeException(`${payload.length} byte payload is too large for the Event invocation type (limit ${ASYNC_PAYLOAD_LIMIT} bytes)`);
    }
    const requestId = deps.asyncInvoker.enqueue(resolved.fn, resolved.invokedArn, payload, header(req.headers, 'x-amzn-trace-id') ?? newTraceId());
    return { status: 202, headers: { 'x-amzn-RequestId': requestId }, body: '' };
  }
  const result = await deps.invoker.invoke({
    fn: resolved.fn,
    invokedArn: resolved.invokedArn,
    payload,
    tail: header(req.headers, 'x-amz-log-type') === 'Tail',
    clientContext: clientContext(header(req.headers, 'x-amz-client-context')),
    traceId: header(req.headers, 'x-amzn-trace-id') ?? newTraceId(),
  });
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': result.executedVersion,
    'x-amzn-RequestId': result.requestId,
  };
  if (result.functionError) headers['X-Amz-Function-Error'] = result.functionError;
  if (result.log !== undefined) headers['X-Amz-Log-Result'] = result.log;
  return { status: 200, headers, body: result.payload };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The event must be valid UTF-8 JSON (any value); an empty body means `{}`. Returns the event's bytes.
 *
 * A leading UTF-8 byte order mark is accepted and dropped. Lambda's front end parses the payload with
 * Jackson (its errors name Jackson's `StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION`: LocalStack's
 * AWS-recorded snapshot `test_lambda_invoke_payload_encoding_error`, 2025-11), and Jackson's byte-source
 * bootstrapper skips a BOM, so AWS takes such a request. The runtime is handed the JSON text after the
 * mark: a Runtime API body is a networked JSON text, which must not start with a BOM (RFC 8259 §8.1),
 * and AWS's own Node runtime client `JSON.parse`s the body as it comes (a BOM would make it throw).
 */
export function validatePayload(body: unknown): Buffer {
  let buf = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    buf = buf.subarray(3);
    if (buf.length === 0) throw new InvalidRequestContentException('Could not parse request body into json: Could not parse payload into json: No content to map due to end-of-input');
  }
  if (buf.length === 0) return Buffer.from('{}');
  try {
    JSON.parse(utf8.decode(buf));
  } catch (err) {
    throw new InvalidRequestContentException(`Could not parse request body into json: Could not parse payload into json: ${payloadFault(buf) ?? (err as Error).message}`);
  }
  return buf;
}

/** X-Amz-Client-Context: base64 of a JSON object, at most 3,583 bytes encoded. Returns the JSON text. */
export function clientContext(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > CLIENT_CONTEXT_LIMIT) {
    throw new InvalidParameterValueException(`Client context must be at most ${CLIENT_CONTEXT_LIMIT} bytes when base64-encoded.`);
  }
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return text;
  } catch {
    // fall through
  }
  throw new InvalidParameterValueException('Client context must be a valid Base64-encoded JSON object.');
}

// Random bytes for trace ids come from a pool refilled 4 KB at a time: one getrandom per ~200 invokes.
const entropy = Buffer.alloc(4000);
let entropyAt = entropy.length;

function randomHex(bytes: number): string {
  if (entropyAt + bytes > entropy.length) {
    randomFillSync(entropy);
    entropyAt = 0;
  }
  entropyAt += bytes;
  return entropy.toString('hex', entropyAt - bytes, entropyAt);
}

/** An X-Ray trace header as Lambda makes one when the caller sent none (not sampled). */
export function newTraceId(now = Date.now()): string {
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`;
}
