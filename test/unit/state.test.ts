// The environment and runtime state tables, checked exhaustively: every state × every target.
import { describe, expect, it } from 'vitest';
import { ALL_STATES, EnvironmentStateMachine, type EnvState, InvalidTransitionError, TRANSITIONS, canTransition } from '../../server/environment/state.ts';
import { allStates, nextState, type RuntimeCall, type RuntimeState } from '../../runtime-api/runtime-state.ts';

const ALLOWED: Record<EnvState, EnvState[]> = {
  Created: ['Initializing', 'ShuttingDown'],
  Initializing: ['Idle', 'InitFailed'],
  Idle: ['Invoking', 'ShuttingDown'],
  Invoking: ['Idle', 'Failed'],
  InitFailed: ['ShuttingDown'],
  Failed: ['ShuttingDown'],
  ShuttingDown: ['Terminated'],
  Terminated: [],
};

describe('environment state table', () => {
  for (const from of ALL_STATES) {
    for (const to of ALL_STATES) {
      const allowed = ALLOWED[from].includes(to);
      it(`${from} -> ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
      });
    }
  }

  it('has exactly the documented transitions', () => {
    expect(TRANSITIONS).toEqual(ALLOWED);
  });

  it('walks the normal life and reports each change', () => {
    const seen: string[] = [];
    const m = new EnvironmentStateMachine((from, to, reason) => seen.push(`${from}>${to}:${reason}`));
    for (const to of ['Initializing', 'Idle', 'Invoking', 'Idle', 'ShuttingDown', 'Terminated'] as EnvState[]) m.transition(to, 'r');
    expect(m.state).toBe('Terminated');
    expect(seen).toHaveLength(6);
    expect(seen[0]).toBe('Created>Initializing:r');
  });

  it('throws on a transition not in the table and stays put', () => {
    const m = new EnvironmentStateMachine(() => {});
    expect(() => m.transition('Invoking', 'too early')).toThrow(InvalidTransitionError);
    expect(() => m.transition('Invoking', 'too early')).toThrow('invalid environment transition Created -> Invoking (too early)');
    expect(m.state).toBe('Created');
  });
});

const RUNTIME: Record<RuntimeState, Partial<Record<RuntimeCall, RuntimeState>>> = {
  RuntimeStartedState: { Next: 'RuntimeReadyState', InitError: 'RuntimeInitErrorState', RestoreNext: 'RuntimeRestoreReadyState' },
  RuntimeInitErrorState: {},
  // SnapStart: restore/next is the snapshot point; restore/error ends a failed restore.
  RuntimeRestoreReadyState: { Next: 'RuntimeReadyState', RestoreError: 'RuntimeRestoreErrorState' },
  RuntimeRestoreErrorState: {},
  RuntimeReadyState: { Next: 'RuntimeReadyState' },
  RuntimeRunningState: { Next: 'RuntimeRunningState', InvocationResponse: 'RuntimeResponseSentState', InvocationErrorResponse: 'RuntimeResponseSentState' },
  RuntimeResponseSentState: { Next: 'RuntimeReadyState' },
};
const CALLS: RuntimeCall[] = ['Next', 'InvocationResponse', 'InvocationErrorResponse', 'InitError', 'RestoreNext', 'RestoreError'];

describe('runtime state table (RIE)', () => {
  it('covers every state', () => {
    expect(allStates().sort()).toEqual(Object.keys(RUNTIME).sort());
  });
  for (const from of Object.keys(RUNTIME) as RuntimeState[]) {
    for (const call of CALLS) {
      const to = RUNTIME[from][call];
      it(`${from} + ${call} ${to ? `-> ${to}` : 'is refused'}`, () => {
        const t = nextState(from, call);
        expect(t.ok).toBe(Boolean(to));
        expect(t.to).toBe(to ?? from);
      });
    }
  }
  it('names the target the way RIE words its error', () => {
    expect(nextState('RuntimeResponseSentState', 'InvocationResponse').target).toBe('InvocationResponse');
    expect(nextState('RuntimeReadyState', 'InitError').target).toBe('InitError');
  });
});
