// The durable execution APIs' input as the service model constrains it (server/lambda-rules.ts), checked
// before any lookup as AWS's framework checks it, and refused in the vocabulary's words
// (lib/aws-validation.ts). Pure.
import { check, checkAll, inEnum, membersSatisfy, ofKind, violation } from '../../lib/aws-validation.ts';
import { invalidInput } from '../errors.ts';
import { RULES } from '../lambda-rules.ts';
import { EXECUTION_STATUSES } from './wire.ts';

/** A page size (the model's ItemCount, 0–1000): the default 100 when absent or 0. */
export function pageSize(value: string | undefined, member: string): number {
  if (value === undefined || value === '') return 100;
  const n = Number(value);
  if (!Number.isInteger(n)) throw invalidInput([violation(value, member, ofKind('an integer'))]);
  const problems = check(n, RULES.itemCount, member);
  if (problems.length > 0) throw invalidInput(problems);
  return n === 0 ? 100 : n;
}

export interface ListQuery {
  Qualifier?: string;
  DurableExecutionName?: string;
  Statuses?: string[];
  MaxItems?: string;
}

/** ListDurableExecutionsByFunction's query, every violation in one answer (in the model's member order). */
export function checkListQuery(q: ListQuery): void {
  const statuses = q.Statuses;
  const problems = checkAll([
    ['qualifier', q.Qualifier, RULES.qualifier],
    ['durableExecutionName', q.DurableExecutionName, RULES.durableExecutionName],
    ['statuses', statuses, RULES.executionStatuses],
  ]);
  if (statuses?.some((s) => !(EXECUTION_STATUSES as readonly string[]).includes(s))) {
    problems.push(violation(statuses, 'statuses', membersSatisfy([inEnum(EXECUTION_STATUSES)])));
  }
  if (problems.length > 0) throw invalidInput(problems);
  pageSize(q.MaxItems, 'maxItems');
}
