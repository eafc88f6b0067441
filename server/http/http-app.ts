// The fastify instance every route is mounted on: every request (HTTP/1.1, h2c, the Invoke fast path,
// the Invoke calls read by hand) passes the request guard first (Host/Origin checks); raw bodies for
// every content type (the Invoke API passes bytes through; wire protocols parse their own) and
// Lambda-shaped error rendering.
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { INVOKE_LIMIT_BYTES, registerErrorHandling } from './error-handler.ts';
import type { LeanRoute } from '../../lib/lean-http.ts';
import { acceptH2c } from './h2c.ts';
import { leanConnections } from './lean-connections.ts';
import { type GuardPolicy, RequestGuard } from './request-guard.ts';

/** A raw handler that may take a request before fastify sees it (returns true when it did). */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

const DEFAULT_POLICY: GuardPolicy = { allowedHosts: [], checkOrigin: true };

/**
 * `fastPath`: raw requests taken before fastify; `lean`: the calls read by hand on HTTP/1.1 connections
 * before node:http parses them (only requests the guard admits; the others go to node:http, which refuses them).
 */
export function createHttpApp(logger: Logger, fastPath?: FastPath, policy: GuardPolicy = DEFAULT_POLICY, lean?: LeanRoute): FastifyInstance {
  const guard = new RequestGuard(policy, logger);
  const admitted: LeanRoute | undefined = lean && ((head) => (guard.check({ method: head.method, url: head.path, headers: head.headers }) === undefined ? lean(head) : undefined));
  const app: FastifyInstance = fastify({
    serverFactory: (handler) => {
      const server = createServer({ noDelay: true }, (req, res) => {
        if (!guard.refuse(req, res) && !fastPath?.(req, res)) handler(req, res);
      });
      // A synchronous invoke may run for the function's whole timeout (up to 900 s) plus INIT: no
      // request timeout (Node's default is 300 s). fastify applies none to a factory-made server.
      server.requestTimeout = 0;
      server.keepAliveTimeout = 72_000;
      // The AWS SDK v3 Kinesis client speaks HTTP/2 only (h2c on an http:// endpoint).
      acceptH2c(server, guard.wrap(handler), admitted && leanConnections(server, admitted));
      return server;
    },
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger (pino bindings on every invoke): routes log through the app's own.
    childLoggerFactory: (logger) => logger,
    bodyLimit: INVOKE_LIMIT_BYTES,
    forceCloseConnections: true,
    // A function ARN with a qualifier is longer than fastify's default (100): the API answers long
    // names with its own validation errors, never a 414.
    routerOptions: { maxParamLength: 8192 },
  });
  // Every answer carries a request id, as AWS's do (the wire protocols and the Invoke paths set their own).
  app.addHook('onSend', async (_request, reply) => {
    if (!reply.hasHeader('x-amzn-RequestId')) reply.header('x-amzn-RequestId', randomUUID());
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  registerErrorHandling(app);
  return app;
}
