// The values of an authorizer's identity sources in a request (pure): headers (case-insensitive),
// query strings (case-sensitive), stage variables and context variables. Missing or empty ⇒ undefined.
import { headerJoined, queryPairs, type RequestView } from '../request-view.ts';

export interface IdentityScope {
  stageVariables: Record<string, string>;
  /** `$context.*` values the front door knows (routeKey, stage, httpMethod, requestId...). */
  context: Record<string, string>;
}

export function identityValues(sources: readonly string[], view: RequestView, scope: IdentityScope): string[] | undefined {
  const out: string[] = [];
  let query: Array<[string, string]> | undefined;
  for (const source of sources) {
    const colon = source.indexOf(':');
    const kind = source.slice(0, colon);
    const name = source.slice(colon + 1);
    let value: string | undefined;
    if (kind === 'header') value = headerJoined(view, name);
    else if (kind === 'query') value = (query ??= queryPairs(view.rawQuery)).filter(([k]) => k === name).map(([, v]) => v).join(',') || undefined;
    else if (kind === 'stage') value = scope.stageVariables[name];
    else value = scope.context[name];
    if (value === undefined || value === '') return undefined;
    out.push(value);
  }
  return out;
}
