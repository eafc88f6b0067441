// POST /2015-03-31/functions/{FunctionName}/invocations: request validation (JSON, UTF-8, size,
// client context, invocation type) and the mapping of an InvokeResult to Lambda's response headers.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidParameterValueException, InvalidRequestContentException, ValidationException } from '../errors.ts';
import type { InvocationService } from '../invoke/invocation-service.ts';
import type { Registry } from '../registry/registry.ts';
import { INVOKE_LIMIT_BYTES } from './error-handler.ts';

const CLIENT_CONTEXT_LIMIT = 3583;
const INVOCATION_TYPES = ['Event', 'RequestResponse', 'DryRun'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

type InvokeRoute = FastifyRequest<{ Params: { FunctionName: string }; Querystring: { Qualifier?: string } }>;

export function registerInvokeRoutes(app: FastifyInstance, registry: Registry, invoker: InvocationService): void {
  app.post('/2015-03-31/functions/:FunctionName/invocations', { bodyLimit: INVOKE_LIMIT_BYTES }, async (request: InvokeRoute, reply) => {
    const resolved = registry.resolve(request.params.FunctionName, request.query.Qualifier);
    const type = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (!INVOCATION_TYPES.includes(type)) {
      throw new ValidationException(`1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`);
    }
    const payload = validatePayload(request.body);
    if (type === 'DryRun') return reply.code(204).header('x-amzn-RequestId', crypto.randomUUID()).send();
    if (type === 'Event') {
      throw new InvalidParameterValueException('InvocationType Event (asynchronous invocation) is not supported by this version of ephemera yet; use RequestResponse.');
    }
    const result = await invoker.invoke({
      fn: resolved.fn,
      invokedArn: resolved.invokedArn,
      payload,
      tail: header(request, 'x-amz-log-type') === 'Tail',
      clientContext: clientContext(header(request, 'x-amz-client-context')),
      traceId: header(request, 'x-amzn-trace-id') ?? newTraceId(),
    });
    reply.code(200).headers({
      'Content-Type': 'application/json',
      'X-Amz-Executed-Version': result.executedVersion,
      'x-amzn-RequestId': result.requestId,
    });
    if (result.functionError) reply.header('X-Amz-Function-Error', result.functionError);
    if (result.log !== undefined) reply.header('X-Amz-Log-Result', result.log);
    return reply.send(result.payload);
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The event must be valid UTF-8 JSON (any value); an empty body means `{}`. */
export function validatePayload(body: unknown): Buffer {
  const buf = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  if (buf.length === 0) return Buffer.from('{}');
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    throw new InvalidRequestContentException('Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 middle byte');
  }
  try {
    JSON.parse(text);
  } catch (err) {
    throw new InvalidRequestContentException(`Could not parse request body into json: Could not parse payload into json: ${(err as Error).message}`);
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

/** An X-Ray trace header as Lambda makes one when the caller sent none (not sampled). */
export function newTraceId(now = Date.now()): string {
  const r = randomBytes(20).toString('hex');
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${r.slice(0, 24)};Parent=${r.slice(24, 40)};Sampled=0`;
}
