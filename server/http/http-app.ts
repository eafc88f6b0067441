// The fastify instance every route is mounted on: raw bodies for every content type (the Invoke API
// passes bytes through; later wire protocols parse their own) and Lambda-shaped error rendering.
import fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { INVOKE_LIMIT_BYTES, registerErrorHandling } from './error-handler.ts';

export function createHttpApp(logger: Logger): FastifyInstance {
  const app: FastifyInstance = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: INVOKE_LIMIT_BYTES,
    forceCloseConnections: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  registerErrorHandling(app);
  return app;
}
