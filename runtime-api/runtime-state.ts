// The runtime's side of the Runtime API as a pure state machine (RIE's names): which call is
// allowed when, and what it moves to. The listener consults it; it performs no I/O.

export type RuntimeState =
  | 'RuntimeStartedState'
  | 'RuntimeInitErrorState'
  | 'RuntimeReadyState'
  | 'RuntimeRunningState'
  | 'RuntimeResponseSentState'
  // SnapStart: the runtime reached the snapshot point (GET restore/next), or its after-restore hooks failed.
  | 'RuntimeRestoreReadyState'
  | 'RuntimeRestoreErrorState';

export type RuntimeCall = 'Next' | 'InvocationResponse' | 'InvocationErrorResponse' | 'InitError' | 'RestoreNext' | 'RestoreError';

/** Allowed transitions; a call absent here is answered 403 InvalidStateTransition. */
const TABLE: Record<RuntimeState, Partial<Record<RuntimeCall, RuntimeState>>> = {
  RuntimeStartedState: {
    Next: 'RuntimeReadyState',
    InitError: 'RuntimeInitErrorState',
    RestoreNext: 'RuntimeRestoreReadyState',
  },
  RuntimeInitErrorState: {},
  RuntimeRestoreReadyState: {
    Next: 'RuntimeReadyState',
    RestoreError: 'RuntimeRestoreErrorState',
  },
  RuntimeRestoreErrorState: {},
  // Parked in /next with no event yet; a repeated /next replaces the parked one.
  RuntimeReadyState: {
    Next: 'RuntimeReadyState',
  },
  // An event was handed over; /next again re-delivers it (RIE).
  RuntimeRunningState: {
    Next: 'RuntimeRunningState',
    InvocationResponse: 'RuntimeResponseSentState',
    InvocationErrorResponse: 'RuntimeResponseSentState',
  },
  RuntimeResponseSentState: {
    Next: 'RuntimeReadyState',
  },
};

/** The wording RIE uses for the target state of a call in its error message. */
const CALL_STATE_NAME: Record<RuntimeCall, string> = {
  Next: 'RuntimeReadyState',
  InvocationResponse: 'InvocationResponse',
  InvocationErrorResponse: 'InvocationErrorResponse',
  InitError: 'InitError',
  RestoreNext: 'RestoreNext',
  RestoreError: 'RestoreError',
};

export interface Transition {
  ok: boolean;
  to: RuntimeState;
  /** For the error message when !ok. */
  target: string;
}

export function nextState(from: RuntimeState, call: RuntimeCall): Transition {
  const to = TABLE[from][call];
  return to ? { ok: true, to, target: CALL_STATE_NAME[call] } : { ok: false, to: from, target: CALL_STATE_NAME[call] };
}

export function allStates(): RuntimeState[] {
  return Object.keys(TABLE) as RuntimeState[];
}
