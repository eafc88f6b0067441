// What a rule's target receives: the event (JSON), a constant `Input`, the part of the event an
// `InputPath` selects, or an `InputTransformer`'s template filled from the event. Values go into a JSON
// template as JSON (quoted strings; "" when missing), into its quoted strings as text, and into a
// text template as text (objects written {k:v}); a JSON template whose result is not JSON is not
// delivered. PutTargets' checks of these settings are here too. Pure.
import type { BusEvent, InputTransformer, Target } from './event-bus-model.ts';
import { invalid } from './events-error.ts';
import { readJsonPath } from './json-path.ts';

export interface RuleContext {
  ruleArn: string;
  ruleName: string;
  /** When EventBridge took the event in (ms). */
  ingestedAt: number;
}

/** What to send, or why nothing is sent. */
export type TargetInput = { body: string } | { skipped: string };

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;
const PREDEFINED = ['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json'];

/** PutTargets' validation of the input settings of each target. */
export function checkTargets(targets: readonly Target[]): void {
  for (const t of targets) {
    if ([t.Input, t.InputPath, t.InputTransformer].filter((x) => x !== undefined).length > 1) {
      throw invalid(`Only one of Input, InputPath, or InputTransformer must be provided for target ${t.Id}.`);
    }
    const tr = t.InputTransformer;
    if (!tr) continue;
    const defined = new Set([...Object.keys(tr.InputPathsMap ?? {}), ...PREDEFINED]);
    for (const [, name] of tr.InputTemplate.matchAll(PLACEHOLDER)) {
      if (!defined.has(name)) throw invalid(`InputTemplate for target ${t.Id} contains invalid placeholder ${name}.`);
    }
  }
}

export function targetInput(target: Target, event: BusEvent, ctx: RuleContext): TargetInput {
  if (target.Input !== undefined) return { body: target.Input };
  if (target.InputPath !== undefined) {
    const v = readJsonPath(event, target.InputPath);
    return v === undefined ? { skipped: `InputPath ${target.InputPath} selects nothing in the event` } : { body: JSON.stringify(v) };
  }
  if (target.InputTransformer !== undefined) return transform(target.InputTransformer, event, ctx);
  return { body: JSON.stringify(event) };
}

function predefined(event: BusEvent, ctx: RuleContext): Record<string, unknown> {
  const ingested = new Date(ctx.ingestedAt).toISOString();
  return {
    'aws.events.rule-arn': ctx.ruleArn,
    'aws.events.rule-name': ctx.ruleName,
    'aws.events.event.ingestion-time': ingested,
    'aws.events.event': {
      id: event.id, account: event.account, detailType: event['detail-type'], time: ingested, source: event.source,
      region: event.region, resources: event.resources, version: event.version,
    },
    'aws.events.event.json': event,
  };
}

/** A value written into text: strings as they are, objects and arrays without quotes ({k:v,...}). */
function asText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(asText).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}:${asText(x)}`).join(',')}}`;
  return String(v);
}

function transform(tr: InputTransformer, event: BusEvent, ctx: RuleContext): TargetInput {
  const values: Record<string, unknown> = predefined(event, ctx);
  for (const [name, path] of Object.entries(tr.InputPathsMap ?? {})) values[name] = readJsonPath(event, path);
  const template = tr.InputTemplate;
  const json = /^\s*[{[]/.test(template);
  let out = '';
  let inString = false;
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const before = template.slice(last, m.index);
    inString = quotesOpen(before, inString);
    out += before;
    last = m.index + m[0].length;
    if (!Object.hasOwn(values, m[1])) {
      out += m[0];
      continue;
    }
    const v = values[m[1]];
    if (!json) out += asText(v);
    else if (!inString) out += v === undefined ? '""' : JSON.stringify(v);
    else if (v !== null && typeof v === 'object') return { skipped: `InputTemplate puts the JSON of <${m[1]}> inside a quoted string` };
    else out += v === undefined ? '' : String(v);
  }
  out += template.slice(last);
  if (json) {
    try {
      JSON.parse(out);
    } catch {
      return { skipped: 'the InputTemplate does not give valid JSON for this event' };
    }
  }
  return { body: out };
}

/** Whether a JSON string is open after `text`, given whether one was open before it. */
function quotesOpen(text: string, open: boolean): boolean {
  let inString = open;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && inString) i++;
    else if (text[i] === '"') inString = !inString;
  }
  return inString;
}
