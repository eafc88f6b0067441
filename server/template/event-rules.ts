// The template's EventBridge side, as the embedded EventBridge and Scheduler take it: AWS::Events::EventBus,
// AWS::Events::Rule and AWS::Scheduler::Schedule resources, and the rules and schedules SAM makes of a
// function's `Schedule`, `EventBridgeRule`, `CloudWatchEvent` and `ScheduleV2` events (named, targeted and
// given dead-letter queues as SAM's translator does). Values arrive resolved; nothing is checked here.
import type { PutRuleInput } from '../../services/eventbridge/event-buses.ts';
import type { Target } from '../../services/eventbridge/event-bus-model.ts';
import type { ScheduleInput } from '../../services/scheduler/schedule-model.ts';
import type { LoadedTemplate, TemplateWarning } from '../model.ts';
import { isRecord } from './node-path.ts';
import { RULE_EVENT_TYPES } from './function-properties.ts';

export const EVENT_RESOURCE_TYPES = ['AWS::Events::Rule', 'AWS::Events::EventBus', 'AWS::Scheduler::Schedule', 'AWS::Scheduler::ScheduleGroup'];

export interface TemplateEventRules {
  buses: { origin: string; name: string; description?: string }[];
  rules: { origin: string; rule: PutRuleInput; targets: Target[] }[];
  schedules: { origin: string; schedule: ScheduleInput }[];
  /** The dead-letter queues SAM creates for `DeadLetterConfig: {Type: SQS}`. */
  queues: { origin: string; name: string }[];
  warnings: TemplateWarning[];
}

type Props = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
const pattern = (v: unknown): string | undefined => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
/** SAM's target ids: the event's logical id and a suffix, within 64 characters. */
const targetId = (logicalId: string): string => `${logicalId}LambdaTarget`.length <= 64 ? `${logicalId}LambdaTarget` : `${logicalId.slice(0, 64 - 12)}LambdaTarget`;

function retryPolicy(v: unknown): Target['RetryPolicy'] {
  if (!isRecord(v)) return undefined;
  return { MaximumRetryAttempts: num(v.MaximumRetryAttempts), MaximumEventAgeInSeconds: num(v.MaximumEventAgeInSeconds) };
}

function cfnTarget(v: Props): Target {
  const t: Target = { Id: String(v.Id), Arn: String(v.Arn) };
  for (const key of ['RoleArn', 'Input', 'InputPath']) if (typeof v[key] === 'string') t[key] = v[key];
  if (isRecord(v.InputTransformer)) {
    t.InputTransformer = {
      InputTemplate: String(v.InputTransformer.InputTemplate),
      ...(isRecord(v.InputTransformer.InputPathsMap) ? { InputPathsMap: v.InputTransformer.InputPathsMap as Record<string, string> } : {}),
    };
  }
  if (v.RetryPolicy) t.RetryPolicy = retryPolicy(v.RetryPolicy);
  if (isRecord(v.DeadLetterConfig)) t.DeadLetterConfig = { Arn: str(v.DeadLetterConfig.Arn) };
  if (isRecord(v.SqsParameters)) t.SqsParameters = { MessageGroupId: str(v.SqsParameters.MessageGroupId) };
  return t;
}

function state(p: Props, origin: string, warnings: TemplateWarning[]): 'ENABLED' | 'DISABLED' | undefined {
  if (p.State !== undefined && p.Enabled !== undefined) warnings.push({ resource: origin, message: 'State and Enabled Properties cannot both be specified (State is used)' });
  if (p.State === 'ENABLED' || p.State === 'DISABLED') return p.State;
  if (p.Enabled !== undefined) return String(p.Enabled) === 'false' ? 'DISABLED' : 'ENABLED';
  return undefined;
}

export function templateEventRules(template: LoadedTemplate, account: { region: string; accountId: string }): TemplateEventRules {
  const out: TemplateEventRules = { buses: [], rules: [], schedules: [], queues: [], warnings: [] };
  const resources = template.resources ?? {};
  const queueArn = (name: string): string => `arn:aws:sqs:${account.region}:${account.accountId}:${name}`;
  /** SAM's DeadLetterConfig: an Arn, or `Type: SQS` for a queue it creates (QueueLogicalId, else `<event>Queue`). */
  const deadLetter = (v: unknown, logicalId: string): { Arn?: string } | undefined => {
    if (!isRecord(v)) return undefined;
    if (typeof v.Arn === 'string') return { Arn: v.Arn };
    if (v.Type !== 'SQS') {
      out.warnings.push({ resource: logicalId, message: "DeadLetterConfig needs Arn or Type: SQS (the only Type SAM takes); ignored" });
      return undefined;
    }
    const name = typeof v.QueueLogicalId === 'string' ? v.QueueLogicalId : `${logicalId}Queue`;
    out.queues.push({ origin: logicalId, name });
    return { Arn: queueArn(name) };
  };

  for (const [id, res] of Object.entries(resources)) {
    const p = res.Properties ?? {};
    if (res.Type === 'AWS::Events::EventBus') out.buses.push({ origin: id, name: str(p.Name) ?? id, description: str(p.Description) });
    if (res.Type === 'AWS::Events::Rule') {
      const rule: PutRuleInput = {
        Name: str(p.Name) ?? id, EventBusName: str(p.EventBusName), EventPattern: pattern(p.EventPattern),
        ScheduleExpression: str(p.ScheduleExpression), State: p.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
        Description: str(p.Description), RoleArn: str(p.RoleArn),
      };
      const targets = Array.isArray(p.Targets) ? p.Targets.filter(isRecord).map(cfnTarget) : [];
      out.rules.push({ origin: id, rule, targets });
    }
    if (res.Type === 'AWS::Scheduler::Schedule' && isRecord(p.Target)) {
      const t = p.Target;
      out.schedules.push({ origin: id, schedule: {
        ...(p as unknown as ScheduleInput), Name: str(p.Name) ?? id,
        Target: {
          Arn: String(t.Arn), Input: str(t.Input), RetryPolicy: retryPolicy(t.RetryPolicy),
          DeadLetterConfig: isRecord(t.DeadLetterConfig) ? { Arn: str(t.DeadLetterConfig.Arn) } : undefined,
          SqsParameters: isRecord(t.SqsParameters) ? { MessageGroupId: str(t.SqsParameters.MessageGroupId) } : undefined,
          EventBridgeParameters: isRecord(t.EventBridgeParameters) ? t.EventBridgeParameters as ScheduleInput['Target']['EventBridgeParameters'] : undefined,
        },
      } });
    }
  }

  for (const fn of template.functions) {
    const props = resources[fn.logicalId]?.Properties ?? {};
    if (!isRecord(props.Events)) continue;
    // SAM targets the alias when the function publishes one.
    const alias = typeof props.AutoPublishAlias === 'string' ? `:${props.AutoPublishAlias}` : '';
    const fnArn = `arn:aws:lambda:${account.region}:${account.accountId}:function:${fn.name}${alias}`;
    for (const [eventName, ev] of Object.entries(props.Events)) {
      if (!isRecord(ev) || !RULE_EVENT_TYPES.has(String(ev.Type))) continue;
      const e = isRecord(ev.Properties) ? ev.Properties : {};
      const logicalId = `${fn.logicalId}${eventName}`;
      const origin = `${fn.logicalId}.Events.${eventName}`;
      if (ev.Type === 'ScheduleV2') {
        out.schedules.push({ origin, schedule: {
          Name: str(e.Name) ?? logicalId, GroupName: str(e.GroupName), ScheduleExpression: String(e.ScheduleExpression),
          ScheduleExpressionTimezone: str(e.ScheduleExpressionTimezone), State: e.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
          StartDate: str(e.StartDate), EndDate: str(e.EndDate), Description: str(e.Description),
          Target: { Arn: fnArn, Input: str(e.Input), RetryPolicy: retryPolicy(e.RetryPolicy), DeadLetterConfig: deadLetter(e.DeadLetterConfig, logicalId) },
        } });
        continue;
      }
      const target: Target = { Id: isRecord(e.Target) && typeof e.Target.Id === 'string' ? e.Target.Id : targetId(logicalId), Arn: fnArn };
      for (const key of ['Input', 'InputPath']) if (typeof e[key] === 'string') target[key] = e[key];
      if (isRecord(e.InputTransformer)) target.InputTransformer = cfnTarget({ Id: '', Arn: '', InputTransformer: e.InputTransformer }).InputTransformer;
      if (e.RetryPolicy) target.RetryPolicy = retryPolicy(e.RetryPolicy);
      const dlq = deadLetter(e.DeadLetterConfig, logicalId);
      if (dlq) target.DeadLetterConfig = dlq;
      const rule: PutRuleInput = ev.Type === 'Schedule'
        ? { Name: str(e.Name) ?? logicalId, ScheduleExpression: String(e.Schedule), Description: str(e.Description), State: state(e, origin, out.warnings) }
        : { Name: str(e.RuleName) ?? logicalId, EventBusName: str(e.EventBusName), EventPattern: pattern(e.Pattern), State: state(e, origin, out.warnings) };
      out.rules.push({ origin, rule, targets: [target] });
    }
  }
  return out;
}
