// The embedded EventBridge: event buses, their rules and targets, with the EventBridge API's checks and
// errors (PutRule, PutTargets, ... as AWS words them), and the routing of an event to every enabled
// rule whose pattern matches it. Delivery is the injected `dispatch`; schedules are told to `onRuleChange`.
import { parseEventPattern, PatternError } from '../../lib/event-pattern/event-pattern.ts';
import { CronError, parseScheduleExpression } from '../scheduling/schedule-expression.ts';
import { type BusEvent, DEFAULT_BUS, type EventBus, type Rule, type Target } from './event-bus-model.ts';
import { busNotFound, EventsError, invalid, ruleNotFound } from './events-error.ts';
import { checkTargets } from './target-input.ts';

export interface EventBusesDeps {
  region: string;
  accountId: string;
  now: () => number;
  /** Deliver an event to a rule's targets (matched events and scheduled events alike); `forwarded`: another bus sent it. */
  dispatch: (rule: Rule, event: BusEvent, forwarded: boolean) => void;
  /** A rule was created, changed or (removed true) deleted: schedules follow. */
  onRuleChange?: (rule: Rule, removed: boolean) => void;
}

export interface PutRuleInput {
  Name: string;
  EventBusName?: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State?: 'ENABLED' | 'DISABLED';
  Description?: string;
  RoleArn?: string;
}

/** Targets a rule may have. */
const MAX_TARGETS = 5;

export class EventBuses {
  private readonly deps: EventBusesDeps;
  private readonly buses = new Map<string, EventBus>();

  constructor(deps: EventBusesDeps) {
    this.deps = deps;
    this.createBus(DEFAULT_BUS);
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.deps.region}:${this.deps.accountId}:event-bus/${name}`;
  }

  /** A bus by name or ARN, or ResourceNotFoundException. */
  bus(nameOrArn: string | undefined): EventBus {
    const name = busName(nameOrArn);
    const bus = this.buses.get(name);
    if (!bus) throw busNotFound(name);
    return bus;
  }

  findBus(nameOrArn: string | undefined): EventBus | undefined {
    return this.buses.get(busName(nameOrArn));
  }

  listBuses(): EventBus[] {
    return [...this.buses.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createBus(name: string, description?: string): EventBus {
    if (this.buses.has(name)) throw new EventsError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    const now = this.deps.now();
    const bus: EventBus = { name, arn: this.busArn(name), description, createdAt: now, modifiedAt: now, rules: new Map() };
    this.buses.set(name, bus);
    return bus;
  }

  /** Deletes the bus and its rules. */
  deleteBus(name: string): void {
    if (name === DEFAULT_BUS) throw invalid('Cannot delete event bus default.');
    const bus = this.bus(name);
    for (const rule of bus.rules.values()) this.deps.onRuleChange?.(rule, true);
    this.buses.delete(name);
  }

  putRule(input: PutRuleInput, origin: Rule['origin'] = 'api'): Rule {
    const bus = this.bus(input.EventBusName);
    if (input.EventPattern === undefined && input.ScheduleExpression === undefined) {
      throw invalid('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    let schedule: Rule['schedule'];
    if (input.ScheduleExpression !== undefined) {
      if (bus.name !== DEFAULT_BUS) throw invalid('ScheduleExpression is supported only on the default event bus.');
      try {
        schedule = parseScheduleExpression(input.ScheduleExpression, { allowAt: false, strictUnits: true });
      } catch (err) {
        if (err instanceof CronError) throw invalid('Parameter ScheduleExpression is not valid.');
        throw err;
      }
    }
    let matcher: Rule['matcher'];
    if (input.EventPattern !== undefined) {
      try {
        matcher = parseEventPattern(input.EventPattern);
      } catch (err) {
        if (err instanceof PatternError) throw new EventsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${err.message}`);
        throw err;
      }
    }
    const existing = bus.rules.get(input.Name);
    const rule: Rule = {
      name: input.Name,
      arn: `arn:aws:events:${this.deps.region}:${this.deps.accountId}:rule/${bus.name === DEFAULT_BUS ? '' : `${bus.name}/`}${input.Name}`,
      busName: bus.name, state: input.State ?? 'ENABLED', eventPattern: input.EventPattern, matcher,
      scheduleExpression: input.ScheduleExpression, schedule, description: input.Description, roleArn: input.RoleArn,
      createdAt: existing?.createdAt ?? this.deps.now(), targets: existing?.targets ?? new Map(), origin: existing?.origin ?? origin,
    };
    bus.rules.set(rule.name, rule);
    this.deps.onRuleChange?.(rule, false);
    return rule;
  }

  rule(name: string, busNameOrArn?: string): Rule {
    const bus = this.bus(busNameOrArn);
    const rule = bus.rules.get(name);
    if (!rule) throw ruleNotFound(name, bus.name);
    return rule;
  }

  /** Deleting a rule that does not exist succeeds (as on AWS); one with targets does not. */
  deleteRule(name: string, busNameOrArn?: string): void {
    const bus = this.bus(busNameOrArn);
    const rule = bus.rules.get(name);
    if (!rule) return;
    if (rule.targets.size > 0) throw invalid("Rule can't be deleted since it has targets.");
    bus.rules.delete(name);
    this.deps.onRuleChange?.(rule, true);
  }

  setState(name: string, busNameOrArn: string | undefined, state: Rule['state']): void {
    const rule = this.rule(name, busNameOrArn);
    rule.state = state;
    this.deps.onRuleChange?.(rule, false);
  }

  putTargets(name: string, busNameOrArn: string | undefined, targets: Target[]): void {
    const rule = this.rule(name, busNameOrArn);
    checkTargets(targets);
    const ids = new Set([...rule.targets.keys(), ...targets.map((t) => t.Id)]);
    if (ids.size > MAX_TARGETS) throw new EventsError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
    for (const target of targets) rule.targets.set(target.Id, target);
  }

  removeTargets(name: string, busNameOrArn: string | undefined, ids: string[]): void {
    const rule = this.rule(name, busNameOrArn);
    for (const id of ids) rule.targets.delete(id);
  }

  /** Route an accepted event (or one a bus target `forwarded`): every enabled pattern rule of its bus that matches it gets it. */
  route(busNameOrArn: string | undefined, event: BusEvent, opts: { forwarded?: boolean } = {}): number {
    const bus = this.findBus(busNameOrArn);
    // An event for a bus that does not exist is accepted and goes nowhere, as on AWS.
    if (!bus) return 0;
    let matched = 0;
    for (const rule of bus.rules.values()) {
      if (rule.state !== 'ENABLED' || !rule.matcher || !rule.matcher(event)) continue;
      matched++;
      this.deps.dispatch(rule, event, opts.forwarded ?? false);
    }
    return matched;
  }

  /** Every rule with a schedule (only the default bus has them). */
  scheduledRules(): Rule[] {
    return [...(this.buses.get(DEFAULT_BUS)?.rules.values() ?? [])].filter((r) => r.schedule !== undefined);
  }
}

/** `default`, a name, or an event bus ARN → the bus name. */
export function busName(nameOrArn: string | undefined): string {
  if (!nameOrArn) return DEFAULT_BUS;
  const arn = /^arn:aws[\w-]*:events:[^:]+:\d{12}:event-bus\/(.+)$/.exec(nameOrArn);
  return arn ? arn[1] : nameOrArn;
}
