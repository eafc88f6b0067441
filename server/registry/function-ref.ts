// FunctionName path parameter + ?Qualifier → function name and qualifier, validated as Lambda does
// (the model's patterns for the operation, derived vs given qualifier, region and account of an ARN);
// plus ARN helpers.

import { check } from '../../lib/aws-validation.ts';
import {
  AccessDeniedException,
  InvalidParameterValueException,
  invalidInput,
  ResourceNotFoundException,
} from '../errors.ts';
import { RULES } from '../lambda-rules.ts';

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

/**
 * Which of the model's name shapes an operation takes: `namespaced` (GetFunction, DeleteFunction,
 * Invoke, event invoke configs...: dotted names, `$LATEST.PUBLISHED`, at most 256 characters), `plain`
 * (CreateFunction, aliases, concurrency...: the FunctionName shape, at most 140 characters) or `url`
 * (function URL configs: a name of at most 64 characters, an alias qualifier only).
 */
export type NameShape = 'namespaced' | 'plain' | 'url';

const NAME_RULES = { namespaced: RULES.namespacedFunctionName, plain: RULES.functionName, url: RULES.functionUrlFunctionName } as const;

/** Splits a name that passed validation: region, account, name, qualifier. */
const PARTS = /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:((?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_.]+)(?::(\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$/;

export function parseFunctionRef(raw: string, queryQualifier: string | undefined, ctx: AccountContext, shape: NameShape = 'namespaced'): FunctionRef {
  const value = decode(raw);
  const given = queryQualifier === undefined || queryQualifier === '' ? undefined : decode(queryQualifier);
  const problems = [
    ...check(value, NAME_RULES[shape], 'functionName'),
    ...check(given, shape === 'url' ? RULES.urlQualifier : RULES.qualifier, 'qualifier'),
  ];
  const match = PARTS.exec(value);
  if (problems.length > 0 || !match) throw invalidInput(problems);

  const [, region, account, name, derived] = match;
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
