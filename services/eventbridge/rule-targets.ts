// From a rule and an event to the deliveries of its targets: each target's input (target-input.ts),
// its retry policy (EventBridge's defaults: 185 retries, 24 hours) and its dead-letter queue, whose
// message is the event with the RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE,
// EXHAUSTED_RETRY_CONDITION and RETRY_ATTEMPTS attributes AWS documents; a forwarded event goes no further
// to a bus. Pure.
import type { BusEvent, Rule } from './event-bus-model.ts';
import type { DeliveryJob } from './target-delivery.ts';
import { targetInput } from './target-input.ts';

export const RULE_RETRY_DEFAULTS = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 };

export interface RuleTargets {
  jobs: DeliveryJob[];
  /** Targets that receive nothing for this event, and why. */
  skipped: { targetId: string; why: string }[];
}

/**
 * `forwarded`: the event reached this bus through another bus's target. EventBridge takes an event one hop
 * from bus to bus and no further, so its bus targets here get nothing (a loop of buses cannot spin).
 */
export function ruleTargets(rule: Rule, event: BusEvent, ingestedAt: number, forwarded = false): RuleTargets {
  const out: RuleTargets = { jobs: [], skipped: [] };
  for (const target of rule.targets.values()) {
    if (forwarded && /^arn:aws[\w-]*:events:[^:]*:\d{12}:event-bus\//.test(target.Arn)) {
      out.skipped.push({ targetId: target.Id, why: 'it came from another event bus, and events go one hop from bus to bus' });
      continue;
    }
    const input = targetInput(target, event, { ruleArn: rule.arn, ruleName: rule.name, ingestedAt });
    if ('skipped' in input) {
      out.skipped.push({ targetId: target.Id, why: input.skipped });
      continue;
    }
    out.jobs.push({
      what: `rule ${rule.busName}/${rule.name} → target ${target.Id}`,
      targetArn: target.Arn,
      payload: input.body,
      send: { messageGroupId: target.SqsParameters?.MessageGroupId, deduplicationId: event.id, fromBus: true },
      retry: {
        maximumRetryAttempts: target.RetryPolicy?.MaximumRetryAttempts ?? RULE_RETRY_DEFAULTS.maximumRetryAttempts,
        maximumEventAgeSeconds: target.RetryPolicy?.MaximumEventAgeInSeconds ?? RULE_RETRY_DEFAULTS.maximumEventAgeSeconds,
      },
      deadLetterArn: target.DeadLetterConfig?.Arn,
      deadLetter: ({ error, retries, exhausted }) => ({
        body: JSON.stringify(event),
        attributes: {
          RULE_ARN: rule.arn,
          TARGET_ARN: target.Arn,
          ERROR_CODE: error.errorCode,
          ERROR_MESSAGE: error.message,
          ...(exhausted ? { EXHAUSTED_RETRY_CONDITION: exhausted } : {}),
          RETRY_ATTEMPTS: String(retries),
        },
      }),
    });
  }
  return out;
}

/** The event a scheduled rule sends when it fires at `at`. */
export function scheduledEvent(rule: Rule, at: string, ctx: { region: string; accountId: string; id: string }): BusEvent {
  return {
    version: '0', id: ctx.id, 'detail-type': 'Scheduled Event', source: 'aws.events', account: ctx.accountId,
    time: at, region: ctx.region, resources: [rule.arn], detail: {},
  };
}
