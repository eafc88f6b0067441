// An event source mapping as the Lambda API answers it (EventSourceMappingConfiguration), with the
// fields AWS includes per source kind (reference §8.1).
import type { EsmRecord } from './manager.ts';

export function esmApiShape(record: EsmRecord, ctx: { region: string; accountId: string }, status?: { lastProcessingResult?: string }): Record<string, unknown> {
  const c = record.config;
  const out: Record<string, unknown> = {
    UUID: c.uuid,
    EventSourceMappingArn: `arn:aws:lambda:${ctx.region}:${ctx.accountId}:event-source-mapping:${c.uuid}`,
    BatchSize: c.batchSize,
    MaximumBatchingWindowInSeconds: c.maximumBatchingWindowInSeconds,
    EventSourceArn: c.eventSourceArn,
    FunctionArn: c.functionArn,
    LastModified: record.lastModified,
    State: record.state,
    StateTransitionReason: record.stateTransitionReason,
    FunctionResponseTypes: c.functionResponseTypes,
  };
  if (c.filterCriteria) out.FilterCriteria = c.filterCriteria;
  if (c.kind === 'sqs') {
    if (c.scalingConfig) out.ScalingConfig = c.scalingConfig;
    return out;
  }
  out.StartingPosition = c.startingPosition;
  if (c.startingPositionTimestamp !== undefined) out.StartingPositionTimestamp = c.startingPositionTimestamp;
  out.ParallelizationFactor = c.parallelizationFactor;
  out.MaximumRecordAgeInSeconds = c.maximumRecordAgeInSeconds;
  out.MaximumRetryAttempts = c.maximumRetryAttempts;
  out.BisectBatchOnFunctionError = c.bisectBatchOnFunctionError;
  out.TumblingWindowInSeconds = c.tumblingWindowInSeconds;
  out.DestinationConfig = { OnFailure: c.onFailureDestination ? { Destination: c.onFailureDestination } : {} };
  out.LastProcessingResult = status?.lastProcessingResult ?? 'No records processed';
  return out;
}
