// Which checkpoint updates the service accepts: every operation type × action against the operation's
// current status, and the batch rules (ids, parents, duplicates, EXECUTION last), with AWS's messages.
import { describe, expect, test } from 'vitest';
import { CheckpointRejected, validateUpdates } from '../../server/durable/checkpoint-rules.ts';
import type { Operation, OperationStatus, OperationType, OperationUpdate } from '../../server/durable/wire.ts';

const op = (Id: string, Type: OperationType, Status: OperationStatus): Operation => ({ Id, Type, Status, StartTimestamp: 0 });

function check(updates: OperationUpdate[], existing: Operation[] = []): string {
  try {
    validateUpdates(updates, (id) => existing.find((o) => o.Id === id));
    return 'ok';
  } catch (err) {
    if (err instanceof CheckpointRejected) return err.message;
    throw err;
  }
}

// [type, action, current status (undefined: new), extra update fields, expected]
const single: Array<[OperationType, string, OperationStatus | undefined, Partial<OperationUpdate>, string]> = [
  ['STEP', 'START', undefined, {}, 'ok'],
  ['STEP', 'START', 'READY', {}, 'ok'],
  ['STEP', 'START', 'STARTED', {}, 'Invalid current STEP state to start.'],
  ['STEP', 'START', 'PENDING', {}, 'Invalid current STEP state to start.'],
  ['STEP', 'START', 'SUCCEEDED', {}, 'Invalid current STEP state to start.'],
  ['STEP', 'SUCCEED', undefined, { Payload: '1' }, 'ok'],
  ['STEP', 'SUCCEED', 'STARTED', {}, 'ok'],
  ['STEP', 'SUCCEED', 'READY', {}, 'ok'],
  ['STEP', 'SUCCEED', 'PENDING', {}, 'Invalid current STEP state to close.'],
  ['STEP', 'SUCCEED', 'SUCCEEDED', {}, 'Invalid current STEP state to close.'],
  ['STEP', 'SUCCEED', 'STARTED', { Error: { ErrorMessage: 'x' } }, 'Cannot provide an Error for SUCCEED action.'],
  ['STEP', 'FAIL', 'STARTED', { Error: {} }, 'ok'],
  ['STEP', 'FAIL', 'STARTED', { Payload: 'x' }, 'Cannot provide a Payload for FAIL action.'],
  ['STEP', 'FAIL', 'FAILED', {}, 'Invalid current STEP state to close.'],
  ['STEP', 'RETRY', 'STARTED', { StepOptions: { NextAttemptDelaySeconds: 1 } }, 'ok'],
  ['STEP', 'RETRY', undefined, { StepOptions: {} }, 'ok'],
  ['STEP', 'RETRY', 'READY', { StepOptions: {} }, 'ok'],
  ['STEP', 'RETRY', 'PENDING', { StepOptions: {} }, 'Invalid current STEP state to re-attempt.'],
  ['STEP', 'RETRY', 'STARTED', {}, 'Invalid StepOptions for the given action.'],
  ['STEP', 'RETRY', 'STARTED', { StepOptions: {}, Payload: 'p', Error: {} }, 'Cannot provide both error and payload to RETRY a STEP.'],
  ['STEP', 'RETRY', 'STARTED', { StepOptions: { NextAttemptDelaySeconds: -1 } }, 'StepOptions.NextAttemptDelaySeconds must be a non-negative integer.'],
  ['STEP', 'CANCEL', 'STARTED', {}, 'Invalid action for the given operation type.'],
  ['WAIT', 'START', undefined, { WaitOptions: { WaitSeconds: 5 } }, 'ok'],
  ['WAIT', 'START', 'STARTED', {}, 'Cannot start a WAIT that already exists.'],
  ['WAIT', 'CANCEL', 'STARTED', {}, 'ok'],
  ['WAIT', 'CANCEL', undefined, {}, 'Cannot cancel a WAIT that does not exist or has already completed.'],
  ['WAIT', 'CANCEL', 'SUCCEEDED', {}, 'Cannot cancel a WAIT that does not exist or has already completed.'],
  ['WAIT', 'SUCCEED', 'STARTED', {}, 'Invalid action for the given operation type.'],
  ['CALLBACK', 'START', undefined, { CallbackOptions: { TimeoutSeconds: 10 } }, 'ok'],
  ['CALLBACK', 'START', 'STARTED', {}, 'Cannot start a CALLBACK that already exists.'],
  ['CALLBACK', 'CANCEL', 'STARTED', {}, 'ok'],
  ['CALLBACK', 'CANCEL', 'TIMED_OUT', {}, 'Cannot cancel a CALLBACK that does not exist or has already completed.'],
  ['CALLBACK', 'START', undefined, { CallbackOptions: { HeartbeatTimeoutSeconds: 1.5 } }, 'CallbackOptions.HeartbeatTimeoutSeconds must be a non-negative integer.'],
  ['CHAINED_INVOKE', 'START', undefined, { ChainedInvokeOptions: { FunctionName: 'f:1' } }, 'ok'],
  ['CHAINED_INVOKE', 'START', undefined, {}, 'ChainedInvokeOptions.FunctionName is required to start a CHAINED_INVOKE.'],
  ['CHAINED_INVOKE', 'START', 'STARTED', { ChainedInvokeOptions: { FunctionName: 'f:1' } }, 'Cannot start a CHAINED_INVOKE that already exists.'],
  ['CHAINED_INVOKE', 'CANCEL', 'STARTED', {}, 'ok'],
  ['CHAINED_INVOKE', 'CANCEL', 'SUCCEEDED', {}, 'Cannot cancel a CHAINED_INVOKE that does not exist or has already completed.'],
  ['CONTEXT', 'START', undefined, { ContextOptions: { ReplayChildren: true } }, 'ok'],
  ['CONTEXT', 'START', 'STARTED', {}, 'Cannot start a CONTEXT that already exists.'],
  ['CONTEXT', 'SUCCEED', 'STARTED', { Payload: '1' }, 'ok'],
  ['CONTEXT', 'SUCCEED', undefined, {}, 'ok'],
  ['CONTEXT', 'FAIL', 'SUCCEEDED', {}, 'Invalid current CONTEXT state to close.'],
  ['CONTEXT', 'RETRY', 'STARTED', {}, 'Invalid action for the given operation type.'],
  ['EXECUTION', 'SUCCEED', undefined, { Payload: '"r"' }, 'ok'],
  ['EXECUTION', 'FAIL', undefined, { Error: {} }, 'ok'],
  ['EXECUTION', 'FAIL', undefined, { Payload: 'x' }, 'Cannot provide a Payload for FAIL action.'],
  ['EXECUTION', 'START', undefined, {}, 'Invalid action for the given operation type.'],
];

describe('one update against the operation\'s status', () => {
  test.each(single)('%s %s on %s %j → %s', (type, action, status, extra, expected) => {
    const existing = status ? [op('o', type, status)] : [];
    expect(check([{ Id: 'o', Type: type, Action: action, ...extra }], existing)).toBe(expected);
  });
});

describe('batch rules', () => {
  const cases: Array<[string, OperationUpdate[], Operation[], string]> = [
    ['an update without Id', [{ Type: 'STEP', Action: 'START' }], [], 'Operation update must have an Id.'],
    ['an unknown type', [{ Id: 'a', Type: 'TIMER', Action: 'START' }], [], 'Unknown operation type.'],
    ['STEP START then SUCCEED in one call', [{ Id: 'a', Type: 'STEP', Action: 'START' }, { Id: 'a', Type: 'STEP', Action: 'SUCCEED' }], [], 'ok'],
    ['CONTEXT START then FAIL in one call', [{ Id: 'c', Type: 'CONTEXT', Action: 'START' }, { Id: 'c', Type: 'CONTEXT', Action: 'FAIL' }], [], 'ok'],
    ['STEP SUCCEED twice', [{ Id: 'a', Type: 'STEP', Action: 'SUCCEED' }, { Id: 'a', Type: 'STEP', Action: 'SUCCEED' }], [], 'Cannot update the same operation twice in a single request.'],
    ['WAIT START then CANCEL', [{ Id: 'w', Type: 'WAIT', Action: 'START' }, { Id: 'w', Type: 'WAIT', Action: 'CANCEL' }], [], 'Cannot update the same operation twice in a single request.'],
    ['a child of a context started in the same call', [{ Id: 'c', Type: 'CONTEXT', Action: 'START' }, { Id: 's', ParentId: 'c', Type: 'STEP', Action: 'START' }], [], 'ok'],
    ['a child of an existing context', [{ Id: 's', ParentId: 'c', Type: 'STEP', Action: 'START' }], [op('c', 'CONTEXT', 'STARTED')], 'ok'],
    ['a child of a step', [{ Id: 's', ParentId: 'p', Type: 'STEP', Action: 'START' }], [op('p', 'STEP', 'STARTED')], 'Invalid parent operation id.'],
    ['a child of nothing', [{ Id: 's', ParentId: 'nope', Type: 'STEP', Action: 'START' }], [], 'Invalid parent operation id.'],
    ['two EXECUTION updates', [{ Id: 'x', Type: 'EXECUTION', Action: 'SUCCEED' }, { Id: 'y', Type: 'EXECUTION', Action: 'FAIL' }], [], 'Cannot checkpoint multiple EXECUTION updates.'],
    ['EXECUTION not last', [{ Id: 'x', Type: 'EXECUTION', Action: 'SUCCEED' }, { Id: 'a', Type: 'STEP', Action: 'START' }], [], 'EXECUTION checkpoint must be the last update.'],
    ['a 2 MB step payload', [{ Id: 'a', Type: 'STEP', Action: 'SUCCEED', Payload: 'x'.repeat(2 * 1024 * 1024) }], [], 'Payload of a STEP update must be at most 1048576 bytes.'],
    ['a 2 MB execution result', [{ Id: 'x', Type: 'EXECUTION', Action: 'SUCCEED', Payload: 'x'.repeat(2 * 1024 * 1024) }], [], 'ok'],
    ['no updates at all', [], [], 'ok'],
  ];
  test.each(cases)('%s', (_name, updates, existing, expected) => {
    expect(check(updates, existing)).toBe(expected);
  });
});
