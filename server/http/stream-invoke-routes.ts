// InvokeWithResponseStream (POST /2021-11-15/functions/{name}/response-streaming-invocations): the request
// is checked and the function run like a synchronous Invoke; the answer is an event stream written as the
// function streams: PayloadChunk per chunk, then InvokeComplete (ErrorCode, ErrorDetails, LogResult).
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { check } from '../../lib/aws-validation.ts';
import { invalidInput } from '../errors.ts';
import { type InvokeComplete, invokeComplete, payloadChunk } from '../front-door/streaming/event-stream.ts';
import type { InvokeResult } from '../model.ts';
import type { WireAnswer } from '../../services/wire/wire-contract.ts';
import { INVOKE_LIMIT_BYTES } from './error-handler.ts';
import { type InvokeDeps, clientContext, newTraceId, validatePayload } from './invoke-handler.ts';

const PATH = '/2021-11-15/functions/:FunctionName/response-streaming-invocations';
const INVOCATION_TYPES = ['RequestResponse', 'DryRun'];
const EVENT_STREAM = 'application/vnd.amazon.eventstream';

type StreamInvokeRoute = FastifyRequest<{ Params: { FunctionName: string }; Querystring: { Qualifier?: string } }>;

/** The head and frames of one answer; `frames` is read once, after the head is written. */
interface StreamAnswer {
  headers: Record<string, string>;
  frames: AsyncIterable<Buffer>;
}

export function registerStreamInvokeRoute(app: FastifyInstance, deps: InvokeDeps): void {
  app.post(PATH, { bodyLimit: INVOKE_LIMIT_BYTES }, async (request: StreamInvokeRoute, reply) => {
    const h = (name: string): string | undefined => {
      const v = request.headers[name];
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const resolved = deps.registry.resolve(request.params.FunctionName, request.query.Qualifier);
    const type = h('x-amz-invocation-type') ?? 'RequestResponse';
    if (!INVOCATION_TYPES.includes(type)) {
      throw invalidInput(check(type, { enum: INVOCATION_TYPES }, 'invocationType'));
    }
    const payload = validatePayload(request.body);
    const tail = h('x-amz-log-type') === 'Tail';
    const traceId = h('x-amzn-trace-id') ?? newTraceId();
    if (resolved.fn.config.durableConfig && deps.durable) {
      const answer = await deps.durable.invokeApi({ resolved, payload, type: type as 'RequestResponse' | 'DryRun', tail, traceId, name: h('x-amz-durable-execution-name') });
      if (answer.status !== 200) return reply.code(answer.status).headers(answer.headers).send(answer.body);
      reply.hijack();
      return write(reply.raw, bufferedAnswer(answer));
    }
    if (type === 'DryRun') return reply.code(204).send();
    // Errors before the first byte (unknown function, throttling) are ordinary JSON errors.
    const result = await deps.invoker.invoke({
      fn: resolved.fn, invokedArn: resolved.invokedArn, payload, tail, clientContext: clientContext(h('x-amz-client-context')), traceId, stream: true,
    });
    reply.hijack();
    return write(reply.raw, result.stream ? streamedAnswer(result) : resultAnswer(result));
  });
}

async function write(res: ServerResponse, answer: StreamAnswer): Promise<void> {
  res.writeHead(200, answer.headers);
  const iterator = answer.frames[Symbol.asyncIterator]();
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      // A caller that went away stops reading; the function runs on to its end (as on Lambda).
      if (res.destroyed || !(await send(res, next.value))) break;
    }
  } finally {
    await iterator.return?.();
    if (!res.destroyed) res.end();
  }
}

/** Writes `frame`; false once the connection is gone. Waits for the socket to drain (backpressure). */
function send(res: ServerResponse, frame: Buffer): Promise<boolean> {
  if (res.write(frame)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => (): void => {
      res.off('drain', drained);
      res.off('close', closed);
      resolve(ok);
    };
    const drained = done(true);
    const closed = done(false);
    res.once('drain', drained);
    res.once('close', closed);
  });
}

function ids(result: InvokeResult, contentType: string): Record<string, string> {
  return { 'Content-Type': contentType, 'X-Amz-Executed-Version': result.executedVersion, 'x-amzn-RequestId': result.requestId };
}

/** A streaming function: its chunks as they come, then how it ended. */
function streamedAnswer(result: InvokeResult): StreamAnswer {
  const stream = result.stream!;
  return {
    // The function's content type is the reply's (the SDK's ResponseStreamContentType).
    headers: ids(result, stream.body.contentType),
    frames: (async function* () {
      for await (const chunk of stream.body) if (chunk.length > 0) yield payloadChunk(chunk);
      const end = await stream.body.ended;
      const complete: InvokeComplete = end.error ? { ErrorCode: end.error.errorType, ErrorDetails: end.error.errorMessage } : {};
      const log = await stream.log();
      if (log !== undefined) complete.LogResult = log;
      yield invokeComplete(complete);
    })(),
  };
}

/** A function that answered at once (a handler that does not stream, or INIT failed): one chunk. */
function resultAnswer(result: InvokeResult): StreamAnswer {
  return { headers: ids(result, 'application/octet-stream'), frames: framesOf(result.payload, result.functionError ? errorFields(result.payload, result.errorType) : {}, result.log) };
}

function bufferedAnswer(answer: WireAnswer): StreamAnswer {
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  const failed = answer.headers['X-Amz-Function-Error'] !== undefined;
  const headers = { ...answer.headers, 'Content-Type': 'application/octet-stream' };
  return { headers, frames: framesOf(body, failed ? errorFields(body, undefined) : {}, answer.headers['X-Amz-Log-Result']) };
}

/** A failed invocation's error is InvokeComplete's alone (as in a stream that fails), not a chunk. */
async function* framesOf(payload: Buffer, complete: InvokeComplete, log: string | undefined): AsyncIterable<Buffer> {
  if (payload.length > 0 && complete.ErrorCode === undefined) yield payloadChunk(payload);
  yield invokeComplete(log === undefined ? complete : { ...complete, LogResult: log });
}

/** A function error payload `{errorType, errorMessage}` as InvokeComplete's ErrorCode and ErrorDetails. */
function errorFields(payload: Buffer, errorType: string | undefined): InvokeComplete {
  let parsed: { errorType?: unknown; errorMessage?: unknown } = {};
  try {
    parsed = JSON.parse(payload.toString('utf8')) as typeof parsed;
  } catch {
    // Not JSON: the type alone.
  }
  return {
    ErrorCode: errorType ?? (typeof parsed?.errorType === 'string' ? parsed.errorType : 'Unhandled'),
    ErrorDetails: typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : '',
  };
}
