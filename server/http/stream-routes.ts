// The emulator's stream endpoints: GET /_ephemera/streams (every embedded stream, for the web view and
// tests) and POST /_ephemera/dynamodb/<table>/records (append changes to a table's stream: there is
// no DynamoDB here). Errors are `{__type, message}` with 400/404.
import type { FastifyInstance } from 'fastify';
import type { ChangeInput } from '../../services/dynamodb-streams/embedded-dynamodb-stream.ts';
import type { StreamRegistry } from '../../services/streams/stream-registry.ts';
import { StreamError } from '../../services/streams/stream.ts';

export function registerStreamRoutes(app: FastifyInstance, streams: StreamRegistry): void {
  app.get('/_ephemera/streams', async () => ({ streams: streams.summaries() }));

  app.post<{ Params: { table: string } }>('/_ephemera/dynamodb/:table/records', async (request, reply) => {
    const fail = (status: number, type: string, message: string) =>
      reply.code(status).header('Content-Type', 'application/json').send({ __type: type, message });
    const stream = streams.tableStream(request.params.table);
    if (!stream) {
      return fail(404, 'ResourceNotFoundException', `Table ${request.params.table} has no stream here (declare an AWS::DynamoDB::Table with StreamSpecification in the template)`);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : String(request.body ?? ''));
    } catch {
      return fail(400, 'SerializationException', 'the body must be JSON: a change {eventName, Keys, NewImage?, OldImage?}, a list of them, or {"Records": [...]}');
    }
    const list = Array.isArray(body) ? body : typeof body === 'object' && body !== null && Array.isArray((body as { Records?: unknown }).Records) ? (body as { Records: unknown[] }).Records : [body];
    if (list.length === 0) return fail(400, 'ValidationException', 'no records given');
    try {
      for (const c of list) {
        if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new StreamError('ValidationException', 'each change must be an object {eventName, Keys, NewImage?, OldImage?}');
      }
      const out = stream.appendAll(list as ChangeInput[]);
      return { streamArn: stream.arn, records: out };
    } catch (err) {
      if (err instanceof StreamError) return fail(400, err.type, err.message);
      throw err;
    }
  });
}
