// CheckpointDurableExecution as a pure decision on the record: validate the whole batch, apply it in
// order, advance the checkpoint sequence once, and answer with the operations the handler has not
// seen yet (those this call changed, and those a timer or callback changed since).
import { validateUpdates } from './checkpoint-rules.ts';
import { type ExecutionRecord, getOperation } from './execution-record.ts';
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
