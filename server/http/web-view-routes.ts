// The web view: its static page under /_ephemera/ (plain HTML + JS modules from server/web-view/,
// read once, no build step), GET /_ephemera/invocations (the recent invocations with their logs and
// leaks) and GET /_ephemera/events (Server-Sent Events: environment state changes, finished invocations).
import { readFileSync, readdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ofKind, violation } from '../../lib/aws-validation.ts';
import { ResourceNotFoundException, invalidInput } from '../errors.ts';
import type { EphemeraEvent, EventBus } from '../events/event-bus.ts';
import type { InvocationHistory } from '../events/invocation-history.ts';

export const WEB_VIEW_DIR = fileURLToPath(new URL('../web-view/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Comment lines keep idle proxies and browsers from dropping the stream. */
const HEARTBEAT_MS = 15_000;
/**
 * A client that stops reading (a suspended tab, a paused pipe) would make the server buffer every
 * event for it: past this many unsent bytes its stream is ended (EventSource reconnects and reloads).
 */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

interface Deps {
  events: EventBus;
  history: InvocationHistory;
}

export function registerWebViewRoutes(app: FastifyInstance, deps: Deps): void {
  const files = loadStatic(WEB_VIEW_DIR);

  app.get('/_ephemera', async (_request, reply) => reply.redirect('/_ephemera/'));
  app.get('/_ephemera/', async (_request, reply) => sendFile(reply, files, 'index.html'));
  app.get<{ Params: { file: string } }>('/_ephemera/ui/:file', async (request, reply) => sendFile(reply, files, request.params.file));

  app.get<{ Querystring: { function?: string; limit?: string } }>('/_ephemera/invocations', async (request) => {
    const { limit } = request.query;
    const max = deps.history.capacity;
    if (limit !== undefined && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= max)) {
      throw invalidInput([violation(limit, 'limit', ofKind(`an integer from 1 to ${max}`))]);
    }
    return { invocations: deps.history.list({ function: request.query.function, limit: limit === undefined ? undefined : Number(limit) }) };
  });

  const streams = new Set<ServerResponse>();
  app.get('/_ephemera/events', (_request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n: ephemera events\n\n');
    const send = (event: EphemeraEvent): void => {
      if (res.writableLength > MAX_UNSENT_BYTES) return void res.destroy();
      res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = deps.events.subscribe(send);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS).unref();
    streams.add(res);
    const done = (): void => {
      unsubscribe();
      clearInterval(heartbeat);
      streams.delete(res);
    };
    // (The request's own 'close' fires once its body is read: only the response's means the client left.)
    res.once('close', done);
  });

  // Open streams would keep the server from closing: end them first.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });
}

function loadStatic(dir: string): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  return files;
}

function sendFile(reply: FastifyReply, files: Map<string, { type: string; body: Buffer }>, name: string): unknown {
  const file = files.get(name);
  if (!file) throw new ResourceNotFoundException(`No such file in the web view: ${name}`);
  return reply.header('Content-Type', file.type).header('Cache-Control', 'no-cache').send(file.body);
}
