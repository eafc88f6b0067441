// The EventBridge Scheduler API on the main port (REST JSON, as the AWS SDKs and the aws CLI call it):
// POST/GET/PUT/DELETE /schedules/{Name} and GET /schedules. Errors in Scheduler's shape: the type in
// x-amzn-ErrorType, `{"Message": ...}`, and the status its model gives each type.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { EventsError } from '../../services/eventbridge/events-error.ts';
import type { SchedulerApi } from '../../services/scheduler/scheduler-api.ts';
import type { Json } from '../../services/streams/json-protocol.ts';

const STATUS: Record<string, number> = {
  ValidationException: 400, SerializationException: 400, ResourceNotFoundException: 404, ConflictException: 409,
  ServiceQuotaExceededException: 402, ThrottlingException: 429,
};

async function answer(reply: FastifyReply, run: () => Json): Promise<FastifyReply> {
  try {
    return reply.code(200).send(run());
  } catch (err) {
    const type = err instanceof EventsError || (err as { type?: string }).type ? (err as EventsError).type : 'InternalServerException';
    return reply.code(STATUS[type] ?? 500).header('x-amzn-ErrorType', type).send({ Message: (err as Error).message });
  }
}

/** The JSON object a request carries (the main port hands bodies over as bytes); none is `{}`. */
function body(raw: unknown): Json {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : '';
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EventsError('SerializationException', 'Could not parse the request body as JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new EventsError('SerializationException', 'The request body is not a JSON object.');
  return parsed as Json;
}

export function registerSchedulerRoutes(app: FastifyInstance, api: SchedulerApi): void {
  type ByName = { Params: { Name: string }; Querystring: Record<string, string> };
  app.post<ByName>('/schedules/:Name', (req, reply) => answer(reply, () => api.create(req.params.Name, body(req.body))));
  app.put<ByName>('/schedules/:Name', (req, reply) => answer(reply, () => api.update(req.params.Name, body(req.body))));
  app.get<ByName>('/schedules/:Name', (req, reply) => answer(reply, () => api.get(req.params.Name, req.query)));
  app.delete<ByName>('/schedules/:Name', (req, reply) => answer(reply, () => api.remove(req.params.Name, req.query)));
  app.get<{ Querystring: Record<string, string> }>('/schedules', (req, reply) => answer(reply, () => api.list(req.query)));
}
