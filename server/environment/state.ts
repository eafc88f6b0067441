// The execution environment's lifecycle as a pure transition table (design §3). Every change goes
// through EnvironmentStateMachine.transition, which throws on a move not in the table.

export type EnvState =
  | 'Created'
  | 'Initializing'
  | 'Idle'
  | 'Invoking'
  | 'InitFailed'
  | 'Failed'
  | 'ShuttingDown'
  | 'Terminated';

export const TRANSITIONS: Readonly<Record<EnvState, readonly EnvState[]>> = {
  Created: ['Initializing', 'ShuttingDown'],
  Initializing: ['Idle', 'InitFailed'],
  Idle: ['Invoking', 'ShuttingDown'],
  Invoking: ['Idle', 'Failed'],
  InitFailed: ['ShuttingDown'],
  Failed: ['ShuttingDown'],
  ShuttingDown: ['Terminated'],
  Terminated: [],
};

export const ALL_STATES = Object.keys(TRANSITIONS) as EnvState[];

export function canTransition(from: EnvState, to: EnvState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class InvalidTransitionError extends Error {
  readonly code = 'EPH_ERR_INVALID_TRANSITION';
  constructor(from: EnvState, to: EnvState, reason: string) {
    super(`invalid environment transition ${from} -> ${to} (${reason})`);
  }
}

export type TransitionListener = (from: EnvState, to: EnvState, reason: string) => void;

export class EnvironmentStateMachine {
  private current: EnvState = 'Created';
  private readonly onChange: TransitionListener;

  constructor(onChange: TransitionListener) {
    this.onChange = onChange;
  }

  get state(): EnvState {
    return this.current;
  }

  transition(to: EnvState, reason: string): void {
    const from = this.current;
    if (!canTransition(from, to)) throw new InvalidTransitionError(from, to, reason);
    this.current = to;
    this.onChange(from, to, reason);
  }
}
