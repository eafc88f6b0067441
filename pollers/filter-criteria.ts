// FilterCriteria of an event source mapping (reference §8.5): validation at Create/Update, and the
// record predicate pollers apply, with the event-pattern engine EventBridge rules use
// (lib/event-pattern/). The data key (SQS `body`, Kinesis `data`) is matched as parsed JSON when the
// pattern gives it an object and as a plain string when it gives it a list; a mismatch drops.
import { compileObject, type Json, type NumberRules, PatternError, withDottedKeysNested } from '../lib/event-pattern/event-pattern.ts';
import { invalid } from './esm/esm-error.ts';
import type { FilterCriteria, SourceKind } from './esm/mapping.ts';

export const INVALID_PATTERN = 'Invalid filter pattern definition.';

/** A Lambda event record (SQS, Kinesis or DynamoDB shape) → keep it? */
export type RecordFilter = (record: Record<string, unknown>) => boolean;

interface View {
  /** The record, dotted keys read as nested ones (as the engine addresses events). */
  record: Json;
  /** The data key's value parsed, when it is a JSON object or array. */
  json: Json | undefined;
  /** The data key's value as text, when it is not JSON. */
  text: string | undefined;
}
type ViewTest = (view: View) => boolean;

/** The key whose content is the message's data, per source kind (DynamoDB images are already JSON). */
const DATA_KEY: Record<SourceKind, string | undefined> = { sqs: 'body', kinesis: 'data', dynamodb: undefined };
/** Lambda's filter criteria take numbers within ±5.0e9 only. */
const NUMBERS: NumberRules = { limit: 5e9 };

/** Throws the EsmError AWS answers (`Invalid filter pattern definition.`) for a pattern it rejects. */
export function validateFilterPattern(pattern: string, kind: SourceKind): void {
  try {
    compilePattern(pattern, kind);
  } catch (err) {
    if (err instanceof PatternError || err instanceof SyntaxError) throw invalid(INVALID_PATTERN);
    throw err;
  }
}

/** Undefined when there is nothing to filter on (every record is kept). Patterns must be valid. */
export function compileFilters(criteria: FilterCriteria | undefined, kind: SourceKind): RecordFilter | undefined {
  const filters = criteria?.Filters ?? [];
  if (filters.length === 0) return undefined;
  const tests = filters.map((f) => compilePattern(f.Pattern, kind));
  const key = DATA_KEY[kind];
  return (record) => {
    const view = makeView(record, kind, key);
    return tests.some((t) => t(view));
  };
}

function compilePattern(pattern: string, kind: SourceKind): ViewTest {
  const parsed: unknown = JSON.parse(pattern);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new PatternError('a pattern is a JSON object');
  return compileTop(parsed as Record<string, unknown>, DATA_KEY[kind], kind !== 'sqs');
}

/** The top level (and top-level `$or` alternatives): the data key is special, the rest is EventBridge. */
function compileTop(pattern: Record<string, unknown>, key: string | undefined, jsonOnly: boolean): ViewTest {
  const { $or: or, ...rest } = pattern;
  const dataSpec = key === undefined ? undefined : rest[key];
  if (key !== undefined) delete rest[key];
  // The data key may be all there is: the rest of the pattern is then empty and asks for nothing.
  const restTest = Object.keys(rest).length === 0 ? () => true : compileObject(rest, NUMBERS);
  const tests: ViewTest[] = [(v) => restTest(v.record)];
  if (key !== undefined && dataSpec !== undefined) {
    if (Array.isArray(dataSpec)) {
      if (jsonOnly) throw new PatternError(`the ${key} pattern must be a JSON object for streams`);
      const t = compileObject({ [key]: dataSpec }, NUMBERS);
      tests.push((v) => v.text !== undefined && t({ [key]: v.text }));
    } else {
      const t = compileObject({ [key]: dataSpec }, NUMBERS);
      tests.push((v) => v.json !== undefined && t({ [key]: v.json }));
    }
  }
  if (or !== undefined) {
    if (!Array.isArray(or) || or.length < 2) throw new PatternError('$or needs an array of at least two patterns');
    const alts = or.map((alt) => {
      if (typeof alt !== 'object' || alt === null || Array.isArray(alt)) throw new PatternError('$or holds patterns');
      return compileTop(alt as Record<string, unknown>, key, jsonOnly);
    });
    tests.push((v) => alts.some((t) => t(v)));
  }
  return (v) => tests.every((t) => t(v));
}

function makeView(raw: Record<string, unknown>, kind: SourceKind, key: string | undefined): View {
  const record = withDottedKeysNested(raw as Json);
  if (key === undefined) return { record, json: undefined, text: undefined };
  let text: unknown = raw[key];
  if (kind === 'kinesis') {
    const data = (raw.kinesis as { data?: unknown } | undefined)?.data ?? raw.data;
    text = typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : undefined;
  }
  if (typeof text !== 'string') return { record, json: undefined, text: undefined };
  const json = parseJson(text);
  return { record, json: json === undefined ? undefined : withDottedKeysNested(json as Json), text: json === undefined ? text : undefined };
}

/** A JSON object or array; anything else (plain text, a bare number or string) is plain text. */
function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
