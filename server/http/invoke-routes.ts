// The Invoke API on the wire: the fastify route (and app.inject), and a raw node:http fast path for
// the same route in front of fastify — the warm-invoke hot path, where fastify's request pipeline
// was a measured fifth of the emulator's CPU per invoke. Both call handleInvoke.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { INVOKE_LIMIT_BYTES, type HttpAnswer, renderApiError, sendAnswer, toApiError, tooLarge } from './error-handler.ts';
import { handleInvoke, type InvokeDeps } from './invoke-handler.ts';

const PREFIX = '/2015-03-31/functions/';
const SUFFIX = '/invocations';

type InvokeRoute = FastifyRequest<{ Params: { FunctionName: string }; Querystring: { Qualifier?: string } }>;

export function registerInvokeRoutes(app: FastifyInstance, deps: InvokeDeps): void {
  app.post(`${PREFIX}:FunctionName${SUFFIX}`, { bodyLimit: INVOKE_LIMIT_BYTES }, async (request: InvokeRoute, reply) => {
    const answer = await handleInvoke(deps, {
      functionName: request.params.FunctionName,
      qualifier: request.query.Qualifier,
      headers: request.headers,
      body: Buffer.isBuffer(request.body) ? request.body : undefined,
    });
    return sendAnswer(reply, answer);
  });
}

/**
 * A request handler for the raw server: takes `POST /2015-03-31/functions/{name}/invocations` itself
 * and returns true, or returns false to let fastify handle the request.
 */
export function invokeFastPath(deps: InvokeDeps, onError: (err: unknown) => void): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'POST' || !url.startsWith(PREFIX)) return false;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (!path.endsWith(SUFFIX)) return false;
    const raw = path.slice(PREFIX.length, path.length - SUFFIX.length);
    if (raw.length === 0 || raw.includes('/')) return false;
    let functionName = raw;
    try {
      functionName = decodeURIComponent(raw);
    } catch {
      // Left as sent: the name check reports it.
    }
    const qualifier = q < 0 ? undefined : (new URLSearchParams(url.slice(q + 1)).get('Qualifier') ?? undefined);
    readBody(req, (body) => {
      const run = body ? handleInvoke(deps, { functionName, qualifier, headers: req.headers, body }) : Promise.reject(tooLarge());
      run.then((answer) => send(res, answer), (err: unknown) => {
        const apiError = toApiError(err as Error);
        if (apiError !== err) onError(err);
        send(res, renderApiError(apiError));
      });
    });
    return true;
  };
}

/** Collect the body; `undefined` when it exceeds the Invoke limit (the rest is drained). */
function readBody(req: IncomingMessage, done: (body: Buffer | undefined) => void): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= INVOKE_LIMIT_BYTES) chunks.push(chunk);
  });
  req.on('end', () => done(size > INVOKE_LIMIT_BYTES || declared > INVOKE_LIMIT_BYTES ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
  req.on('error', () => req.socket.destroy());
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': body.length });
  res.end(body);
}
