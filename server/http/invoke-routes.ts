// The Invoke API on the wire: the fastify route (and app.inject), and a raw node:http fast path for
// the same route in front of fastify — the warm-invoke hot path, where fastify's request pipeline
// was a measured fifth of the emulator's CPU per invoke. Both call handleInvoke.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { readBody } from '../../lib/read-body.ts';
import type { WireAnswer } from '../../services/wire/wire-contract.ts';
import { INVOKE_LIMIT_BYTES, renderApiError, sendAnswer, toApiError, tooLarge } from './error-handler.ts';
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
    readBody(req, INVOKE_LIMIT_BYTES).then((body) => {
      const run = body.tooLarge ? Promise.reject(tooLarge()) : handleInvoke(deps, { functionName, qualifier, headers: req.headers, body: body.data });
      run.then((answer) => send(res, answer), (err: unknown) => {
        const apiError = toApiError(err as Error);
        if (apiError !== err) onError(err);
        send(res, renderApiError(apiError));
      });
    }, () => req.socket.destroy());
    return true;
  };
}

function send(res: ServerResponse, answer: WireAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': body.length });
  res.end(body);
}
