// The main port (default 3001, like `sam local start-lambda`): one fastify app behind the request guard
// (--host, --allowed-hosts), whose raw fast path and hand-read calls are the Invoke API's, with every
// feature's routes and AWS wire protocols mounted on it. buildApp closes it after every feature has stopped, so requests in
// flight get their answers first.
import type { FastifyInstance } from 'fastify';
import { guardPolicy } from '../http/bind-address.ts';
import { type FastPath, createHttpApp } from '../http/http-app.ts';
import { WireDispatcher } from '../http/wire-dispatch.ts';
import type { LeanRoute } from '../../lib/lean-http.ts';
import type { Base } from './base.ts';
import type { Feature } from './feature.ts';

export class MainPort {
  readonly app: FastifyInstance;

  constructor(base: Base, invoke: { fastPath: FastPath; leanRoute?: LeanRoute }, features: readonly Feature[]) {
    this.app = createHttpApp(base.logger, invoke.fastPath, guardPolicy(base.options), invoke.leanRoute);
    for (const feature of features) feature.routes?.(this.app);
    // Other AWS protocols share `/` and `/:account/:queue`; the routes above keep precedence.
    const wire = new WireDispatcher();
    for (const feature of features) feature.wire?.(wire);
    wire.register(this.app);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
