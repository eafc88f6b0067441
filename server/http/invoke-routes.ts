// The Invoke API on the wire: the fastify route (and app.inject), a raw node:http fast path for the
// same route in front of fastify (fastify's request pipeline was a measured fifth of the emulator's CPU
// per invoke), and the same calls read by hand before node:http (the warm-invoke hot path). All call
// handleInvoke.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LeanRoute, Reply } from '../../lib/lean-http.ts';
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

/** `POST /2015-03-31/functions/{name}/invocations[?Qualifier=…]`: the name (URL-decoded) and qualifier; undefined for any other URL. */
function invokeTarget(url: string): { functionName: string; qualifier: string | undefined } | undefined {
  if (!url.startsWith(PREFIX)) return undefined;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.endsWith(SUFFIX)) return undefined;
  const raw = path.slice(PREFIX.length, path.length - SUFFIX.length);
  if (raw.length === 0 || raw.includes('/')) return undefined;
  let functionName = raw;
  try {
    functionName = decodeURIComponent(raw);
  } catch {
    // Left as sent: the name check reports it.
  }
  const qualifier = q < 0 ? undefined : (new URLSearchParams(url.slice(q + 1)).get('Qualifier') ?? undefined);
  return { functionName, qualifier };
}

/** Sends handleInvoke's answer, or the Lambda-shaped error it threw (an unexpected one is logged too). */
function answer(res: Reply | ServerResponse, run: Promise<WireAnswer>, onError: (err: unknown) => void): void {
  run.then((a) => send(res, a, onError), (err: unknown) => {
    const apiError = toApiError(err as Error);
    if (apiError !== err) onError(err);
    send(res, renderApiError(apiError), onError);
  });
}

/**
 * A request handler for the raw server: takes `POST /2015-03-31/functions/{name}/invocations` itself
 * and returns true, or returns false to let fastify handle the request.
 */
export function invokeFastPath(deps: InvokeDeps, onError: (err: unknown) => void): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const target = req.method === 'POST' ? invokeTarget(req.url ?? '') : undefined;
    if (!target) return false;
    readBody(req, INVOKE_LIMIT_BYTES).then((body) => {
      const run = body.tooLarge ? Promise.reject(tooLarge()) : handleInvoke(deps, { ...target, headers: req.headers, body: body.data });
      answer(res, run, onError);
    }, () => req.socket.destroy());
    return true;
  };
}

/**
 * The same calls read by hand (lib/lean-http.ts, server/http/lean-connections.ts): an Invoke with a
 * Content-Length body within the limit; anything else is left to node:http (and so to the fast path above).
 */
export function invokeLeanRoute(deps: InvokeDeps, onError: (err: unknown) => void): LeanRoute {
  return (head) => {
    const target = head.method === 'POST' && head.bodyLength <= INVOKE_LIMIT_BYTES ? invokeTarget(head.path) : undefined;
    if (!target) return undefined;
    return (body, reply) => answer(reply, handleInvoke(deps, { ...target, headers: head.headers, body }), onError);
  };
}

/** Writes the answer; one that cannot be written (a header node:http refuses) is logged and the connection dropped. */
function send(res: Reply | ServerResponse, answer: WireAnswer, onError: (err: unknown) => void): void {
  if ('headersSent' in res && (res.headersSent || res.destroyed)) return;
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  try {
    res.writeHead(answer.status, { ...answer.headers, 'Content-Length': body.length });
    res.end(body);
  } catch (err) {
    onError(err);
    res.destroy();
  }
}
