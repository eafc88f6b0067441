// The embedded EventBridge: event buses with their rules and targets (services/eventbridge/), the
// template's buses and rules (SAM's Schedule, EventBridgeRule and CloudWatchEvent events too), the
// EventBridge API on the main port (X-Amz-Target: AWSEvents.*), the deliveries to targets (functions
// through the asynchronous invoker, queues, buses) with retries and dead-letter queues, and the
// timetable that fires scheduled rules (and, through the Scheduler feature, schedules).
import { type Clock, scaledClock } from '../../lib/clock.ts';
import { type BusEvent, eventTime, type Rule } from '../../services/eventbridge/event-bus-model.ts';
import { EventBuses } from '../../services/eventbridge/event-buses.ts';
import { EVENTS_TARGET, eventsHandler } from '../../services/eventbridge/events-wire.ts';
import { ruleTargets, scheduledEvent } from '../../services/eventbridge/rule-targets.ts';
import { type DeliveryOutcome, TargetDelivery } from '../../services/eventbridge/target-delivery.ts';
import { DeliveryError, type TargetSenders, undeliverableTarget } from '../../services/eventbridge/target-router.ts';
import { nextFiring } from '../../services/scheduling/next-firing.ts';
import { Timetable } from '../../services/scheduling/timetable.ts';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ASYNC_PAYLOAD_LIMIT } from '../async/async-invoker.ts';
import type { WireDispatcher } from '../http/wire-dispatch.ts';
import type { TemplateWarning } from '../model.ts';
import { templateEventRules } from '../template/event-rules.ts';
import type { AsyncInvocation } from './async-invocation.ts';
import type { Base } from './base.ts';
import type { EmbeddedServices } from './embedded-services.ts';
import type { Feature } from './feature.ts';
import type { InvocationCore } from './invocation-core.ts';

export class EventBridgeFeature implements Feature {
  readonly buses: EventBuses;
  readonly delivery: TargetDelivery;
  /** Every scheduled rule and schedule, on the schedule clock. */
  readonly timetable: Timetable;
  /** Schedules' time: the base clock, running faster under --time-scale. */
  readonly scheduleClock: Clock;
  readonly senders: TargetSenders;
  private readonly base: Base;

  /** `topics` publishes to an embedded SNS topic and throws the SNS error when it cannot (no such topic, ...). */
  constructor(base: Base, core: InvocationCore, async: AsyncInvocation, services: EmbeddedServices, topics?: { publish(topicArn: string, message: string): void }) {
    this.base = base;
    const { account, options } = base;
    this.scheduleClock = scaledClock(base.clock, options.timeScale);
    this.timetable = new Timetable(this.scheduleClock, { timed: options.schedules === 'on' && base.templateMappings });
    this.senders = {
      queues: services.queues,
      invokeFunction: async (arn, payload) => {
        let resolved: ReturnType<typeof core.registry.resolve>;
        try {
          resolved = core.registry.resolve(arn, undefined);
        } catch (err) {
          throw new DeliveryError('NO_RESOURCE', 'ResourceNotFoundException', (err as Error).message, false);
        }
        const bytes = Buffer.from(payload);
        if (bytes.length > ASYNC_PAYLOAD_LIMIT) {
          throw new DeliveryError('INVALID_PARAMETER', 'RequestEntityTooLargeException', `${bytes.length} byte payload is too large for the Event invocation type (limit ${ASYNC_PAYLOAD_LIMIT} bytes)`, false);
        }
        async.invoker.enqueue(resolved.fn, resolved.invokedArn, bytes);
      },
      putOnBus: (arn, event, opts) => {
        this.buses.route(arn, event, opts);
      },
      publishToTopic: topics && (async (arn, message) => {
        try {
          topics.publish(arn, message);
        } catch (err) {
          const e = err as Error & { code?: string; type?: string };
          const missing = e.code === 'NotFound';
          throw new DeliveryError(missing ? 'NO_RESOURCE' : 'INVALID_PARAMETER', e.type ?? 'InvalidParameterException', e.message, false);
        }
      }),
    };
    this.delivery = new TargetDelivery({
      clock: base.clock, timeScale: options.timeScale, senders: this.senders, report: (outcome) => report(base.logger, outcome),
    });
    this.buses = new EventBuses({
      ...account, now: () => this.scheduleClock.now(),
      dispatch: (rule, event, forwarded) => this.dispatch(rule, event, forwarded),
      onRuleChange: (rule, removed) => this.scheduleRule(rule, removed),
    });
    base.warnings.add(this.createTemplateRules(services));
  }

  wire(dispatcher: WireDispatcher): void {
    // Events are stamped with the wall clock; only schedules run on the (scaled) schedule clock.
    dispatcher.byTarget(EVENTS_TARGET, eventsHandler(this.buses, { ...this.base.account, now: () => this.base.clock.now() }));
  }

  /** Timers stop; deliveries waiting to retry are dropped with the emulator. */
  close(): void {
    this.timetable.close();
    this.delivery.close();
  }

  /** Where a target cannot be delivered locally (for start-up warnings), or undefined. */
  undeliverable(arn: string): string | undefined {
    return undeliverableTarget(arn, this.senders);
  }

  private dispatch(rule: Rule, event: BusEvent, forwarded = false): void {
    const { jobs, skipped } = ruleTargets(rule, event, this.base.clock.now(), forwarded);
    for (const s of skipped) this.base.logger.warn({ rule: rule.arn, target: s.targetId, event: event.id }, `target ${s.targetId} of rule ${rule.name} not sent the event: ${s.why}`);
    for (const job of jobs) this.delivery.deliver(job);
  }

  /** A scheduled rule is a timetable job while it exists; disabled, it has no next firing. */
  private scheduleRule(rule: Rule, removed: boolean): void {
    const key = `rule/${rule.busName}/${rule.name}`;
    if (removed || !rule.schedule) {
      this.timetable.remove(key);
      return;
    }
    const schedule = rule.schedule;
    this.timetable.set({
      key,
      next: (after) => (rule.state === 'ENABLED' ? nextFiring(schedule, after, { anchor: rule.createdAt }) : undefined),
      fire: (at) => this.dispatch(rule, scheduledEvent(rule, eventTime(at), { ...this.base.account, id: randomUUID() })),
    });
  }

  private createTemplateRules(services: EmbeddedServices): TemplateWarning[] {
    const declared = templateEventRules(this.base.template, this.base.account);
    const warnings = [...declared.warnings];
    for (const q of declared.queues) {
      try {
        services.sqs.create(q.name);
      } catch (err) {
        warnings.push({ resource: q.origin, message: `dead-letter queue ${q.name} not created: ${(err as Error).message}` });
      }
    }
    for (const bus of declared.buses) {
      try {
        this.buses.createBus(bus.name, bus.description);
      } catch (err) {
        warnings.push({ resource: bus.origin, message: `event bus ${bus.name} not created: ${(err as Error).message}` });
      }
    }
    for (const { origin, rule, targets } of declared.rules) {
      try {
        this.buses.putRule(rule, 'template');
        if (targets.length > 0) this.buses.putTargets(rule.Name, rule.EventBusName, targets);
      } catch (err) {
        warnings.push({ resource: origin, message: `EventBridge rule ${rule.Name} not created: ${(err as Error).message}` });
        continue;
      }
      for (const t of targets) {
        const why = this.undeliverable(t.Arn);
        if (why) warnings.push({ resource: origin, message: `target ${t.Id} receives nothing: ${why}` });
      }
    }
    return warnings;
  }
}

function report(logger: Logger, outcome: DeliveryOutcome): void {
  const { job } = outcome;
  const base = { target: job.targetArn };
  switch (outcome.kind) {
    case 'delivered':
      logger.debug({ ...base, attempts: outcome.attempts }, `${job.what}: delivered`);
      return;
    case 'retrying':
      logger.warn({ ...base, error: outcome.error.errorCode, attempt: outcome.attempt }, `${job.what}: delivery failed (${outcome.error.message}); retrying in ${Math.round(outcome.delayMs)} ms`);
      return;
    case 'dead-lettered':
      logger.warn({ ...base, error: outcome.error.errorCode, deadLetterQueue: job.deadLetterArn }, `${job.what}: not delivered (${outcome.error.message}); sent to the dead-letter queue`);
      return;
    case 'dropped':
      logger.warn({ ...base, error: outcome.error.errorCode }, `${job.what}: not delivered (${outcome.error.message}) and dropped: ${outcome.why}`);
  }
}
