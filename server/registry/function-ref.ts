// FunctionName path parameter + ?Qualifier → function name and qualifier, validated as Lambda does
// (model pattern, derived vs given qualifier, region and account of an ARN); plus ARN helpers.

import {
  AccessDeniedException,
  InvalidParameterValueException,
  ResourceNotFoundException,
  ValidationException,
} from '../errors.ts';

export interface AccountContext {
  region: string;
  accountId: string;
  /** The IAM action named in AccessDeniedException (default `lambda:InvokeFunction`). */
  action?: string;
}

export interface FunctionRef {
  name: string;
  /** From the name (`fn:PROD`) or ?Qualifier; undefined means `$LATEST`. */
  qualifier: string | undefined;
}

/** The service model's FunctionName pattern, verbatim (it appears in the ValidationException message). */
export const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?';
/** The service model's Qualifier pattern. */
export const QUALIFIER_PATTERN = '(|[a-zA-Z0-9$_-]+)';

const FUNCTION_NAME_RE = new RegExp(`^(?:${FUNCTION_NAME_PATTERN})$`);
const QUALIFIER_RE = new RegExp(`^(?:${QUALIFIER_PATTERN})$`);
// Group numbers in FUNCTION_NAME_PATTERN.
const G_REGION = 3;
const G_ACCOUNT = 8;
const G_NAME = 10;
const G_QUALIFIER = 12;

export function parseFunctionRef(raw: string, queryQualifier: string | undefined, ctx: AccountContext): FunctionRef {
  const value = decode(raw);
  const given = queryQualifier === undefined || queryQualifier === '' ? undefined : decode(queryQualifier);
  const match = FUNCTION_NAME_RE.exec(value);
  const problems: string[] = [];
  if (!match) {
    problems.push(`Value '${value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  }
  if (given !== undefined) {
    if (!QUALIFIER_RE.test(given)) {
      problems.push(`Value '${given}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ${QUALIFIER_PATTERN}`);
    } else if (given.length > 128) {
      problems.push(`Value '${given}' at 'qualifier' failed to satisfy constraint: Member must have length less than or equal to 128`);
    }
  }
  if (problems.length > 0 || !match) {
    const n = problems.length;
    throw new ValidationException(`${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
  }

  const region = match[G_REGION]?.slice(0, -1);
  const account = match[G_ACCOUNT]?.slice(0, -1);
  const name = match[G_NAME];
  const derived = match[G_QUALIFIER];
  if (derived !== undefined && given !== undefined && derived !== given) {
    throw new InvalidParameterValueException('The derived qualifier from the function name does not match the specified qualifier.');
  }
  if (region !== undefined && region !== ctx.region) {
    throw new ResourceNotFoundException(`Functions from '${region}' are not reachable in this region ('${ctx.region}')`);
  }
  const qualifier = derived ?? given;
  if (account !== undefined && account !== ctx.accountId) {
    const action = ctx.action ?? 'lambda:InvokeFunction';
    const resource = `arn:aws:lambda:${ctx.region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
    throw new AccessDeniedException(
      `User: arn:aws:iam::${ctx.accountId}:root is not authorized to perform: ${action} on resource: ${resource} ` +
        `because no resource-based policy allows the ${action} action`,
    );
  }
  return { name, qualifier };
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`. */
export function functionArn(name: string, ctx: { region: string; accountId: string }, qualifier?: string): string {
  const base = `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${name}`;
  return qualifier === undefined || qualifier === '' ? base : `${base}:${qualifier}`;
}

/** Absent or `$LATEST` → latest; all digits → a published version; anything else → an alias. */
export function qualifierKind(qualifier: string | undefined): 'latest' | 'version' | 'alias' {
  if (qualifier === undefined || qualifier === '' || qualifier === '$LATEST') return 'latest';
  if (/^\d+$/.test(qualifier)) return 'version';
  return 'alias';
}

/** Undoes percent-encoding the HTTP layer may leave (`my-fn%3APROD`, `%24LATEST`). */
function decode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%3A/gi, ':');
  }
}
