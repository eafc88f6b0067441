// EventBridge Scheduler: the template's schedules (AWS::Scheduler::Schedule, SAM's ScheduleV2 events) and
// those made through the Scheduler API, firing on the EventBridge feature's timetable through its target
// delivery; and /_ephemera/schedules, which lists every scheduled rule and schedule and fires one by hand.
import type { FastifyInstance } from 'fastify';
import { schedulerApi } from '../../services/scheduler/scheduler-api.ts';
import { Schedules } from '../../services/scheduler/schedules.ts';
import { registerSchedulerRoutes } from '../http/scheduler-routes.ts';
import { registerScheduleRoutes, type ScheduleListing } from '../http/schedule-routes.ts';
import type { TemplateWarning } from '../model.ts';
import { templateEventRules } from '../template/event-rules.ts';
import type { Base } from './base.ts';
import type { EventBridgeFeature } from './event-bridge.ts';
import type { Feature } from './feature.ts';

export class SchedulerFeature implements Feature {
  readonly schedules: Schedules;
  private readonly eventBridge: EventBridgeFeature;
  private readonly timed: boolean;

  constructor(base: Base, eventBridge: EventBridgeFeature) {
    this.eventBridge = eventBridge;
    this.timed = base.options.schedules === 'on' && base.templateMappings;
    const { timetable } = eventBridge;
    this.schedules = new Schedules({
      ...base.account,
      now: () => eventBridge.scheduleClock.now(),
      deliver: (job) => eventBridge.delivery.deliver(job),
      onChange: (job, removed) => (removed ? timetable.remove(job.key) : timetable.set(job)),
    });
    const warnings: TemplateWarning[] = [];
    for (const { origin, schedule } of templateEventRules(base.template, base.account).schedules) {
      try {
        this.schedules.put(schedule, { replace: false, origin: 'template' });
      } catch (err) {
        warnings.push({ resource: origin, message: `schedule ${schedule.Name} not created: ${(err as Error).message}` });
        continue;
      }
      const why = eventBridge.undeliverable(schedule.Target.Arn);
      if (why) warnings.push({ resource: origin, message: `its target receives nothing: ${why}` });
    }
    base.warnings.add(warnings);
  }

  routes(app: FastifyInstance): void {
    registerSchedulerRoutes(app, schedulerApi(this.schedules));
    registerScheduleRoutes(app, {
      timed: this.timed,
      list: () => this.listing(),
      fire: (key) => this.eventBridge.timetable.fireNow(key),
    });
  }

  /** Scheduled rules, then schedules, each with its next firing from the timetable. */
  private listing(): ScheduleListing[] {
    const { timetable, buses } = this.eventBridge;
    const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
    const rules = buses.scheduledRules().map((r): ScheduleListing => {
      const key = `rule/${r.busName}/${r.name}`;
      return {
        name: r.name, kind: 'rule', group: r.busName, arn: r.arn, expression: r.scheduleExpression ?? '', timezone: 'UTC', state: r.state,
        nextFiring: iso(timetable.nextAt(key)), targets: [...r.targets.values()].map((t) => t.Arn), origin: r.origin, key,
      };
    });
    const schedules = this.schedules.list().map((s): ScheduleListing => {
      const key = Schedules.key(s.group, s.name);
      return {
        name: s.name, kind: 'schedule', group: s.group, arn: s.arn, expression: s.input.ScheduleExpression, timezone: s.zone,
        state: s.input.State ?? 'ENABLED', nextFiring: iso(timetable.nextAt(key)), targets: [s.input.Target.Arn], origin: s.origin, key,
      };
    });
    return [...rules, ...schedules];
  }
}
