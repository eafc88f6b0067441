// The durable execution API's vocabulary (Lambda service model, 2025-12-01 operations): operation
// types, actions and statuses, the operation and update shapes, history events. Timestamps are kept
// as epoch milliseconds here; api-shapes.ts renders them for the wire.

export const OPERATION_TYPES = ['EXECUTION', 'CONTEXT', 'STEP', 'WAIT', 'CALLBACK', 'CHAINED_INVOKE'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

export const OPERATION_ACTIONS = ['START', 'SUCCEED', 'FAIL', 'RETRY', 'CANCEL'] as const;
export type OperationAction = (typeof OPERATION_ACTIONS)[number];

export type OperationStatus = 'STARTED' | 'PENDING' | 'READY' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT' | 'STOPPED';

export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Statuses after which an operation never changes again. */
export const CLOSED_STATUSES: ReadonlySet<OperationStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'STOPPED']);

export interface ErrorObject {
  ErrorMessage?: string;
  ErrorType?: string;
  ErrorData?: string;
  StackTrace?: string[];
}

export interface Operation {
  Id: string;
  ParentId?: string;
  Name?: string;
  Type: OperationType;
  SubType?: string;
  /** Epoch milliseconds. */
  StartTimestamp: number;
  EndTimestamp?: number;
  Status: OperationStatus;
  ExecutionDetails?: { InputPayload?: string };
  ContextDetails?: { ReplayChildren?: boolean; Result?: string; Error?: ErrorObject };
  StepDetails?: { Attempt?: number; NextAttemptTimestamp?: number; Result?: string; Error?: ErrorObject };
  WaitDetails?: { ScheduledEndTimestamp?: number };
  CallbackDetails?: { CallbackId?: string; Result?: string; Error?: ErrorObject };
  ChainedInvokeDetails?: { Result?: string; Error?: ErrorObject };
}

export interface OperationUpdate {
  Id?: string;
  ParentId?: string;
  Name?: string;
  Type?: string;
  SubType?: string;
  Action?: string;
  Payload?: string;
  Error?: ErrorObject;
  ContextOptions?: { ReplayChildren?: boolean };
  StepOptions?: { NextAttemptDelaySeconds?: number };
  WaitOptions?: { WaitSeconds?: number };
  CallbackOptions?: { TimeoutSeconds?: number; HeartbeatTimeoutSeconds?: number };
  ChainedInvokeOptions?: { FunctionName?: string; TenantId?: string; XAmznTraceId?: string };
}

/** An update that passed validation: its Id, Type and Action are known. */
export interface ValidUpdate extends OperationUpdate {
  Id: string;
  Type: OperationType;
  Action: OperationAction;
}

export type EventType =
  | 'ExecutionStarted' | 'ExecutionSucceeded' | 'ExecutionFailed' | 'ExecutionTimedOut' | 'ExecutionStopped'
  | 'ContextStarted' | 'ContextSucceeded' | 'ContextFailed'
  | 'WaitStarted' | 'WaitSucceeded' | 'WaitCancelled'
  | 'StepStarted' | 'StepSucceeded' | 'StepFailed'
  | 'ChainedInvokeStarted' | 'ChainedInvokeSucceeded' | 'ChainedInvokeFailed' | 'ChainedInvokeTimedOut' | 'ChainedInvokeStopped'
  | 'CallbackStarted' | 'CallbackSucceeded' | 'CallbackFailed' | 'CallbackTimedOut'
  | 'InvocationCompleted';

/** One history event: its `…Details` member is named after the event type (ExecutionStarted → ExecutionStartedDetails). */
export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  /** Epoch milliseconds. */
  EventTimestamp: number;
  Id?: string;
  Name?: string;
  ParentId?: string;
  SubType?: string;
  Details: Record<string, unknown>;
}

/** DurableConfig as the function carries it (RetentionPeriodInDays defaults to 14). */
export interface DurableConfig {
  ExecutionTimeout: number;
  RetentionPeriodInDays: number;
}

export const DEFAULT_RETENTION_DAYS = 14;
export const MAX_EXECUTION_TIMEOUT_S = 31_622_400;
