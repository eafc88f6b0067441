// /_ephemera/durable/...: the executions (summary and detail: operations, invocations with their
// environments, timers) and the deterministic control for tests: list the pending timers and fire
// chosen ones now instead of waiting for them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ResourceNotFoundException, ValidationException } from '../errors.ts';
import { jsonBody } from '../http/function-input.ts';
import type { DurableExecutions } from './durable-executions.ts';
import type { ExecutionRecord } from './execution-record.ts';
import { executionDetail, executionSummary, timersView } from './durable-views.ts';
import type { TimerKind } from './timers.ts';

const KINDS: readonly TimerKind[] = ['wait', 'retry', 'callback-timeout', 'callback-heartbeat', 'execution-timeout', 'retention'];

export function registerDurableInternalRoutes(app: FastifyInstance, host: DurableExecutions): void {
  /** An execution by id, id prefix or ARN. */
  const find = (key: string): ExecutionRecord => {
    const all = host.all();
    const hit = all.find((r) => r.id === key || r.arn === key) ?? (key.length >= 4 ? all.filter((r) => r.id.startsWith(key)) : []).at(0);
    if (!hit) throw new ResourceNotFoundException(`Durable execution not found: ${key}`);
    return hit;
  };
  const matches = (rec: ExecutionRecord, key: string | undefined): boolean => key === undefined || rec.id === key || rec.arn === key || rec.id.startsWith(key);

  app.get('/_ephemera/durable/executions', async (r: FastifyRequest<{ Querystring: { function?: string; status?: string } }>) => ({
    executions: host.all()
      .filter((rec) => (r.query.function === undefined || rec.functionName === r.query.function) && (r.query.status === undefined || rec.status === r.query.status))
      .sort((a, b) => b.startedAt - a.startedAt)
      .map(executionSummary),
  }));

  // `{id}`, or an execution ARN percent-encoded in one segment (longer than the router's parameter limit).
  app.get('/_ephemera/durable/executions/*', async (r, reply) => {
    const [key, sub] = (r.raw.url ?? '').split('?')[0].slice('/_ephemera/durable/executions/'.length).split('/');
    let decoded: string;
    try {
      decoded = decodeURIComponent(key);
    } catch {
      return reply.callNotFound();
    }
    if (sub === undefined) return executionDetail(find(decoded), host.clock.now());
    if (sub === 'history') return { events: find(decoded).events };
    return reply.callNotFound();
  });

  app.get('/_ephemera/durable/timers', async () => ({
    timers: host.all().flatMap((rec) => timersView(rec, host.clock.now())).sort((a, b) => String(a.dueAt).localeCompare(String(b.dueAt))),
  }));

  // Fire timers now: all due-able ones of running executions (waits, retries, callback timeouts) unless
  // narrowed by execution, operation or kind; the execution timeout and the retention only when asked by kind.
  app.post('/_ephemera/durable/timers/fire', async (r) => {
    const body = jsonBody(r.body);
    const { execution, operation, kind } = body as { execution?: unknown; operation?: unknown; kind?: unknown };
    for (const [name, v] of [['execution', execution], ['operation', operation], ['kind', kind]] as const) {
      if (v !== undefined && typeof v !== 'string') throw new ValidationException(`${name} must be a string`);
    }
    if (kind !== undefined && !KINDS.includes(kind as TimerKind)) throw new ValidationException(`kind must be one of ${KINDS.join(', ')}`);
    const fired = host.fireNow((rec, t) => matches(rec, execution as string | undefined)
      && (operation === undefined || t.operationId === operation)
      && (kind !== undefined ? t.kind === kind : t.kind !== 'execution-timeout' && t.kind !== 'retention'));
    return { fired: fired.map((t) => ({ executionArn: t.executionArn, kind: t.kind, operationId: t.operationId, dueAt: new Date(t.at).toISOString() })) };
  });
}
