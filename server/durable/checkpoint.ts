// CheckpointDurableExecution as a pure decision on the record: the token chaining, then validate the
// whole batch, apply it in order, advance the checkpoint sequence once, and answer with the operations
// the handler has not seen yet (those this call changed, and those a timer or callback changed since).
import { validateUpdates } from './checkpoint-rules.ts';
import { currentInvocation, type ExecutionRecord, getOperation } from './execution-record.ts';
import { parseCheckpointToken } from './ids.ts';
import { type ApplyContext, type Effect, applyUpdate } from './operation-transitions.ts';
import type { Operation, OperationUpdate } from './wire.ts';

export interface CheckpointResult {
  /** The operations to send back (NewExecutionState.Operations), in start order. */
  operations: Operation[];
  effects: Effect[];
}

/** Throws CheckpointRejected (nothing applied) when the batch is invalid. */
export function applyCheckpoint(rec: ExecutionRecord, updates: readonly OperationUpdate[], ctx: ApplyContext): CheckpointResult {
  const valid = validateUpdates(updates, (id) => getOperation(rec, id));
  const effects: Effect[] = [];
  for (const u of valid) effects.push(...applyUpdate(rec, u, ctx));
  rec.sequence++;
  return { operations: unseen(rec), effects };
}

/** Operations changed since the handler was last told, in start order; marks them told. */
export function unseen(rec: ExecutionRecord): Operation[] {
  const out: Operation[] = [];
  for (const id of rec.order) if ((rec.meta[id]?.touched ?? 0) > rec.seen) out.push(rec.operations[id]);
  rec.seen = rec.changes;
  return out;
}

/**
 * Token chaining: a checkpoint (or state read) is valid only with the token the last accepted checkpoint
 * returned (or the invocation's event), from the invocation running now, of an execution still running.
 * Returns why a token is refused, or undefined.
 */
export function tokenProblem(rec: ExecutionRecord, token: string): string | undefined {
  const t = parseCheckpointToken(token);
  if (!t || t.executionId !== rec.id) return 'the token does not belong to this execution.';
  if (rec.status !== 'RUNNING') return `the execution has ended (${rec.status}).`;
  if (currentInvocation(rec)?.number !== t.invocation) return 'the invocation this token was given to has ended.';
  if (t.sequence !== rec.sequence) return 'the token has been used; pass the one the last checkpoint returned.';
  return undefined;
}
