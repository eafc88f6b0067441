// GET /_ephemera/schedules: every scheduled rule and EventBridge Scheduler schedule with its next firing;
// POST /_ephemera/schedules/{name}/fire: fire one now (deterministic tests, --schedules off). A name
// both a rule and a schedule have is told apart with ?kind=rule|schedule (and ?group= for schedules).
import type { FastifyInstance } from 'fastify';
import { ResourceConflictException, ResourceNotFoundException } from '../errors.ts';

export interface ScheduleListing {
  name: string;
  kind: 'rule' | 'schedule';
  /** The rule's bus, or the schedule's group. */
  group: string;
  arn: string;
  expression: string;
  timezone: string;
  state: 'ENABLED' | 'DISABLED';
  /** ISO 8601, or null when it will not fire again (disabled, a one-time schedule that ran, past EndDate). */
  nextFiring: string | null;
  targets: string[];
  origin: 'template' | 'api';
  /** The timetable key fireNow takes. */
  key: string;
}

export interface ScheduleRoutesDeps {
  list(): ScheduleListing[];
  fire(key: string): boolean;
  /** Whether schedules fire by themselves (--schedules on). */
  timed: boolean;
}

export function registerScheduleRoutes(app: FastifyInstance, deps: ScheduleRoutesDeps): void {
  app.get('/_ephemera/schedules', async () => ({
    timed: deps.timed,
    schedules: deps.list().map(({ key: _key, ...rest }) => rest),
  }));

  app.post<{ Params: { name: string }; Querystring: { kind?: string; group?: string } }>('/_ephemera/schedules/:name/fire', async (request) => {
    const { name } = request.params;
    const { kind, group } = request.query;
    const found = deps.list().filter((s) => s.name === name && (kind === undefined || s.kind === kind) && (group === undefined || s.group === group));
    if (found.length === 0) throw new ResourceNotFoundException(`No scheduled rule or schedule is named ${name}${kind ? ` (kind ${kind})` : ''}${group ? ` in ${group}` : ''}.`);
    if (found.length > 1) {
      throw new ResourceConflictException(`${found.length} schedules are named ${name} (${found.map((s) => `${s.kind} in ${s.group}`).join(', ')}): add ?kind=rule|schedule or ?group=`);
    }
    const [s] = found;
    deps.fire(s.key);
    const { key: _key, ...rest } = s;
    return { fired: rest };
  });
}
