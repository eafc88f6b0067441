// Which checkpoint updates the service accepts (a pure decision): the actions of each operation type,
// the status an operation must be in for each action, and the batch rules (ids, parents, duplicates,
// the EXECUTION update last). Messages are the service's, as its testing libraries reproduce them.
import { OPERATION_TYPES, type Operation, type OperationAction, type OperationStatus, type OperationType, type OperationUpdate, type ValidUpdate } from './wire.ts';

/** A checkpoint the service refuses: InvalidParameterValueException with this message. */
export class CheckpointRejected extends Error {}

const ACTIONS: Record<OperationType, readonly OperationAction[]> = {
  STEP: ['START', 'SUCCEED', 'FAIL', 'RETRY'],
  CONTEXT: ['START', 'SUCCEED', 'FAIL'],
  WAIT: ['START', 'CANCEL'],
  CALLBACK: ['START', 'CANCEL'],
  CHAINED_INVOKE: ['START', 'CANCEL'],
  EXECUTION: ['SUCCEED', 'FAIL'],
};

/** Payload limit of every operation but EXECUTION (1 MB), and of the EXECUTION result (6 MB). */
export const PAYLOAD_LIMIT = 1024 * 1024;
export const EXECUTION_PAYLOAD_LIMIT = 6 * 1024 * 1024;

/**
 * The status an existing operation must have (`undefined`: the operation must not exist yet) for an
 * action, per type. A missing row means the action needs nothing (new or existing alike).
 */
interface Allowed { new: boolean; statuses: readonly OperationStatus[]; message: string }
const TRANSITIONS: Partial<Record<`${OperationType}:${OperationAction}`, Allowed>> = {
  'STEP:START': { new: true, statuses: ['READY'], message: 'Invalid current STEP state to start.' },
  'STEP:SUCCEED': { new: true, statuses: ['STARTED', 'READY'], message: 'Invalid current STEP state to close.' },
  'STEP:FAIL': { new: true, statuses: ['STARTED', 'READY'], message: 'Invalid current STEP state to close.' },
  'STEP:RETRY': { new: true, statuses: ['STARTED', 'READY'], message: 'Invalid current STEP state to re-attempt.' },
  'CONTEXT:START': { new: true, statuses: [], message: 'Cannot start a CONTEXT that already exists.' },
  'CONTEXT:SUCCEED': { new: true, statuses: ['STARTED'], message: 'Invalid current CONTEXT state to close.' },
  'CONTEXT:FAIL': { new: true, statuses: ['STARTED'], message: 'Invalid current CONTEXT state to close.' },
  'WAIT:START': { new: true, statuses: [], message: 'Cannot start a WAIT that already exists.' },
  'WAIT:CANCEL': { new: false, statuses: ['STARTED'], message: 'Cannot cancel a WAIT that does not exist or has already completed.' },
  'CALLBACK:START': { new: true, statuses: [], message: 'Cannot start a CALLBACK that already exists.' },
  'CALLBACK:CANCEL': { new: false, statuses: ['STARTED'], message: 'Cannot cancel a CALLBACK that does not exist or has already completed.' },
  'CHAINED_INVOKE:START': { new: true, statuses: [], message: 'Cannot start a CHAINED_INVOKE that already exists.' },
  'CHAINED_INVOKE:CANCEL': { new: false, statuses: ['STARTED'], message: 'Cannot cancel a CHAINED_INVOKE that does not exist or has already completed.' },
};

/** The status an accepted action leaves an operation in, for checking later updates of the same batch. */
const STATUS_AFTER: Record<OperationAction, OperationStatus> = {
  START: 'STARTED', SUCCEED: 'SUCCEEDED', FAIL: 'FAILED', RETRY: 'PENDING', CANCEL: 'CANCELLED',
};

const isType = (t: unknown): t is OperationType => typeof t === 'string' && (OPERATION_TYPES as readonly string[]).includes(t);

/**
 * Validate a batch against the execution's operations (`existing`). Returns the updates typed, or throws
 * CheckpointRejected. Nothing is applied unless the whole batch is valid.
 */
export function validateUpdates(updates: readonly OperationUpdate[], existing: (id: string) => Operation | undefined): ValidUpdate[] {
  const executions = updates.filter((u) => u.Type === 'EXECUTION').length;
  if (executions > 1) throw new CheckpointRejected('Cannot checkpoint multiple EXECUTION updates.');
  if (executions === 1 && updates.at(-1)?.Type !== 'EXECUTION') throw new CheckpointRejected('EXECUTION checkpoint must be the last update.');

  // Statuses and types as the batch leaves them so far, on top of the execution's.
  const seen = new Map<string, { type: OperationType; action: OperationAction; status: OperationStatus }>();
  const out: ValidUpdate[] = [];
  for (const u of updates) {
    if (typeof u.Id !== 'string' || u.Id === '') throw new CheckpointRejected('Operation update must have an Id.');
    if (!isType(u.Type)) throw new CheckpointRejected('Unknown operation type.');
    const type = u.Type;
    const action = u.Action as OperationAction;
    if (!ACTIONS[type].includes(action)) throw new CheckpointRejected('Invalid action for the given operation type.');

    const before = seen.get(u.Id);
    if (before && !((before.type === 'STEP' || before.type === 'CONTEXT') && before.action === 'START' && action !== 'START')) {
      throw new CheckpointRejected('Cannot update the same operation twice in a single request.');
    }
    if (u.ParentId !== undefined) {
      const parentType = seen.get(u.ParentId)?.type ?? existing(u.ParentId)?.Type;
      if (parentType !== 'CONTEXT') throw new CheckpointRejected('Invalid parent operation id.');
    }
    const current = before?.status ?? existing(u.Id)?.Status;
    checkTransition(type, action, current);
    checkContent(u, type, action);
    seen.set(u.Id, { type, action, status: STATUS_AFTER[action] });
    out.push({ ...u, Id: u.Id, Type: type, Action: action });
  }
  return out;
}

function checkTransition(type: OperationType, action: OperationAction, current: OperationStatus | undefined): void {
  const rule = TRANSITIONS[`${type}:${action}`];
  if (!rule) return;
  const ok = current === undefined ? rule.new : rule.statuses.includes(current);
  if (!ok) throw new CheckpointRejected(rule.message);
}

function checkContent(u: OperationUpdate, type: OperationType, action: OperationAction): void {
  if (action === 'FAIL' && u.Payload != null) throw new CheckpointRejected('Cannot provide a Payload for FAIL action.');
  if (action === 'SUCCEED' && u.Error != null) throw new CheckpointRejected('Cannot provide an Error for SUCCEED action.');
  if (action === 'RETRY') {
    if (u.StepOptions == null) throw new CheckpointRejected('Invalid StepOptions for the given action.');
    if (u.Error != null && u.Payload != null) throw new CheckpointRejected('Cannot provide both error and payload to RETRY a STEP.');
  }
  if (type === 'CHAINED_INVOKE' && action === 'START' && !u.ChainedInvokeOptions?.FunctionName) {
    throw new CheckpointRejected('ChainedInvokeOptions.FunctionName is required to start a CHAINED_INVOKE.');
  }
  nonNegative(u.StepOptions?.NextAttemptDelaySeconds, 'StepOptions.NextAttemptDelaySeconds');
  nonNegative(u.WaitOptions?.WaitSeconds, 'WaitOptions.WaitSeconds');
  nonNegative(u.CallbackOptions?.TimeoutSeconds, 'CallbackOptions.TimeoutSeconds');
  nonNegative(u.CallbackOptions?.HeartbeatTimeoutSeconds, 'CallbackOptions.HeartbeatTimeoutSeconds');
  const limit = type === 'EXECUTION' ? EXECUTION_PAYLOAD_LIMIT : PAYLOAD_LIMIT;
  if (u.Payload != null && Buffer.byteLength(u.Payload) > limit) {
    throw new CheckpointRejected(`Payload of a ${type} update must be at most ${limit} bytes.`);
  }
  if (u.Error != null && Buffer.byteLength(JSON.stringify(u.Error)) > PAYLOAD_LIMIT) {
    throw new CheckpointRejected(`Error object size must be at most ${PAYLOAD_LIMIT} bytes.`);
  }
}

function nonNegative(v: unknown, name: string): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
    throw new CheckpointRejected(`${name} must be a non-negative integer.`);
  }
}
