// The event-pattern engine's entry points: an EventBridge pattern from its JSON text (PutRule,
// TestEventPattern, templates) as a predicate over events, and the pieces Lambda's filter criteria
// build on (pollers/filter-criteria.ts). One engine for both, as on AWS.
import { compileObject, type NumberRules, type ObjectTest, withDottedKeysNested } from './compile-pattern.ts';
import { type Json, PatternError } from './pattern-error.ts';

export { compileObject, PatternError, withDottedKeysNested };
export type { Json };
export type { NumberRules, ObjectTest };

/** Does an event (a parsed JSON object) match? */
export type EventMatcher = (event: unknown) => boolean;

/** Compile a pattern given as JSON text; throws PatternError with AWS's reason when it is not valid. */
export function parseEventPattern(text: string, rules: NumberRules = {}): EventMatcher {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PatternError((err as Error).message);
  }
  const test = compileObject(parsed, rules);
  return (event) => test(withDottedKeysNested(event as Json));
}
