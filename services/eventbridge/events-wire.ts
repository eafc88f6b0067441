// The EventBridge JSON 1.1 API (X-Amz-Target: AWSEvents.*) over the embedded buses, for the AWS SDKs
// and the aws CLI: PutEvents, rules (Put/Describe/List/Delete/Enable/Disable), targets (Put/Remove/
// List), buses (Create/Delete/Describe/List), ListRuleNamesByTarget and TestEventPattern, with AWS's
// validation messages and error types (`{__type, message}`, 400).
import { parseEventPattern, PatternError } from '../../lib/event-pattern/event-pattern.ts';
import { epochSeconds, handleJson, type Json, type Operation } from '../streams/json-protocol.ts';
import type { WireAnswer, WireRequest } from '../wire/wire-contract.ts';
import type { EventBus, Rule, Target } from './event-bus-model.ts';
import type { EventBuses, PutRuleInput } from './event-buses.ts';
import { EventsError, invalid } from './events-error.ts';
import { EVENTS_SHAPES } from './events-shapes.ts';
import { type PutEventsEntry, putEvents } from './put-events.ts';

export const EVENTS_TARGET = 'AWSEvents.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export interface EventsApiContext {
  region: string;
  accountId: string;
  now: () => number;
}

/** One page of `items` after the NextToken (an opaque offset), `limit` long. */
function page<T>(items: T[], input: Json): { items: T[]; NextToken?: string } {
  const from = typeof input.NextToken === 'string' ? Number(Buffer.from(input.NextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(from) || from < 0) throw invalid('The NextToken provided is invalid.');
  const limit = (input.Limit as number | undefined) ?? 100;
  const slice = items.slice(from, from + limit);
  return from + limit < items.length ? { items: slice, NextToken: Buffer.from(String(from + limit)).toString('base64url') } : { items: slice };
}

const busView = (bus: EventBus): Json => ({
  Name: bus.name, Arn: bus.arn, ...(bus.description !== undefined ? { Description: bus.description } : {}),
  CreationTime: epochSeconds(bus.createdAt), LastModifiedTime: epochSeconds(bus.modifiedAt),
});

const ruleView = (rule: Rule): Json => ({
  Name: rule.name, Arn: rule.arn,
  ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
  ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
  State: rule.state,
  ...(rule.description !== undefined ? { Description: rule.description } : {}),
  ...(rule.roleArn !== undefined ? { RoleArn: rule.roleArn } : {}),
  EventBusName: rule.busName,
});

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function eventsHandler(buses: EventBuses, ctx: EventsApiContext): (req: WireRequest) => Promise<WireAnswer<string>> {
  const ops: Record<string, Operation> = {
    PutEvents: (input) => putEvents(buses, input.Entries as PutEventsEntry[], { region: ctx.region, accountId: ctx.accountId, now: ctx.now() }) as unknown as Json,
    PutRule: (input) => ({ RuleArn: buses.putRule(input as unknown as PutRuleInput).arn }),
    DescribeRule: (input) => {
      const rule = buses.rule(input.Name as string, input.EventBusName as string | undefined);
      return { ...ruleView(rule), CreatedBy: ctx.accountId };
    },
    ListRules: (input) => {
      const prefix = (input.NamePrefix as string | undefined) ?? '';
      const rules = [...buses.bus(input.EventBusName as string | undefined).rules.values()].filter((r) => r.name.startsWith(prefix)).sort(byName);
      const { items, NextToken } = page(rules, input);
      return { Rules: items.map(ruleView), ...(NextToken ? { NextToken } : {}) };
    },
    DeleteRule: (input) => {
      buses.deleteRule(input.Name as string, input.EventBusName as string | undefined);
      return {};
    },
    EnableRule: (input) => {
      buses.setState(input.Name as string, input.EventBusName as string | undefined, 'ENABLED');
      return {};
    },
    DisableRule: (input) => {
      buses.setState(input.Name as string, input.EventBusName as string | undefined, 'DISABLED');
      return {};
    },
    PutTargets: (input) => {
      buses.putTargets(input.Rule as string, input.EventBusName as string | undefined, input.Targets as Target[]);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    RemoveTargets: (input) => {
      buses.removeTargets(input.Rule as string, input.EventBusName as string | undefined, input.Ids as string[]);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
    ListTargetsByRule: (input) => {
      const rule = buses.rule(input.Rule as string, input.EventBusName as string | undefined);
      const { items, NextToken } = page([...rule.targets.values()], input);
      return { Targets: items as unknown as Json[], ...(NextToken ? { NextToken } : {}) };
    },
    ListRuleNamesByTarget: (input) => {
      const rules = [...buses.bus(input.EventBusName as string | undefined).rules.values()]
        .filter((r) => [...r.targets.values()].some((t) => t.Arn === input.TargetArn)).sort(byName);
      const { items, NextToken } = page(rules, input);
      return { RuleNames: items.map((r) => r.name), ...(NextToken ? { NextToken } : {}) };
    },
    CreateEventBus: (input) => {
      const bus = buses.createBus(input.Name as string, input.Description as string | undefined);
      return { EventBusArn: bus.arn, ...(bus.description !== undefined ? { Description: bus.description } : {}) };
    },
    DeleteEventBus: (input) => {
      buses.deleteBus(input.Name as string);
      return {};
    },
    DescribeEventBus: (input) => busView(buses.bus(input.Name as string | undefined)),
    ListEventBuses: (input) => {
      const prefix = (input.NamePrefix as string | undefined) ?? '';
      const { items, NextToken } = page(buses.listBuses().filter((b) => b.name.startsWith(prefix)), input);
      return { EventBuses: items.map(busView), ...(NextToken ? { NextToken } : {}) };
    },
    TestEventPattern: (input) => {
      let event: unknown;
      try {
        event = JSON.parse(input.Event as string);
      } catch {
        event = undefined;
      }
      if (event === null || typeof event !== 'object' || Array.isArray(event)) throw invalid('Parameter Event is not valid.');
      try {
        return { Result: parseEventPattern(input.EventPattern as string)(event) };
      } catch (err) {
        if (err instanceof PatternError) throw new EventsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${err.message}`);
        throw err;
      }
    },
  };
  return (req) => handleJson(req, EVENTS_TARGET, CONTENT_TYPE, EVENTS_SHAPES, ops);
}
