// The error an event pattern AWS rejects raises, with the reason in the words of AWS's matching engine
// (event-ruler): EventBridge answers `Event pattern is not valid. Reason: <reason>`, Lambda's filter
// criteria `Invalid filter pattern definition.`.

export class PatternError extends Error {
  readonly code = 'EPH_ERR_FILTER_PATTERN';
}

/** Throw the PatternError for `reason`. */
export function reject(reason: string): never {
  throw new PatternError(reason);
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Leaf = null | boolean | number | string;

export const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
