// CreateEventSourceMapping / UpdateEventSourceMapping input → EsmConfig: AWS's defaults per source
// kind, ranges, and the error each bad input gets (reference §8.1), in the order AWS checks them.
import { inEnum, membersSatisfy, NOT_NULL, ofKind, validationMessage, valueAtLeast, valueAtMost, violation } from '../../lib/aws-validation.ts';
import { EsmError, invalid, validationError } from './esm-error.ts';
import type { EsmConfig, FilterCriteria, SourceKind } from './mapping.ts';

export interface EsmValidationContext {
  /** FunctionName (name, ARN, partial ARN, qualified or not) → the ARN the mapping stores; undefined if none. */
  resolveFunction(ref: string): { functionArn: string; timeoutSeconds: number } | undefined;
  /** Whether the source exists, and for queues their VisibilityTimeout. */
  checkSource(kind: SourceKind, arn: string): Promise<{ exists: boolean; visibilityTimeoutSeconds?: number }>;
  /** Throws `invalid('Invalid filter pattern definition.')` for a pattern AWS rejects (optional). */
  validatePattern?(pattern: string, kind: SourceKind): void;
}

type Input = Record<string, unknown>;

const SQS_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/;
const KINESIS_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]+$/;
const DYNAMODB_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]+\/stream\/.+$/;

export function sourceKind(arn: string): SourceKind | undefined {
  if (SQS_ARN.test(arn) || (arn.endsWith('.fifo') && SQS_ARN.test(arn.slice(0, -5)))) return 'sqs';
  if (KINESIS_ARN.test(arn)) return 'kinesis';
  if (DYNAMODB_ARN.test(arn)) return 'dynamodb';
  return undefined;
}

const STREAM_ONLY = [
  'StartingPosition', 'StartingPositionTimestamp', 'ParallelizationFactor', 'MaximumRecordAgeInSeconds',
  'MaximumRetryAttempts', 'BisectBatchOnFunctionError', 'TumblingWindowInSeconds',
] as const;

function int(input: Input, key: string, field: string, min: number, max: number): number | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validationError(field, v, ofKind('an integer'));
  if (v < min) throw validationError(field, v, valueAtLeast(min));
  if (v > max) throw validationError(field, v, valueAtMost(max));
  return v;
}

function bool(input: Input, key: string, field: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw validationError(field, v, ofKind('a boolean'));
  return v;
}

/** A new mapping's configuration (without uuid), or the EsmError AWS would answer. */
export async function validateCreate(input: Input, ctx: EsmValidationContext): Promise<Omit<EsmConfig, 'uuid'>> {
  const arn = input.EventSourceArn;
  if (typeof arn !== 'string' || arn === '') throw invalid('Unrecognized event source.');
  const kind = sourceKind(arn);
  if (!kind) throw invalid('Unrecognized event source.');
  const base: Omit<EsmConfig, 'uuid'> = {
    kind, eventSourceArn: arn, functionArn: '', enabled: true,
    batchSize: kind === 'sqs' ? 10 : 100, maximumBatchingWindowInSeconds: 0, functionResponseTypes: [],
    parallelizationFactor: 1, maximumRecordAgeInSeconds: -1, maximumRetryAttempts: -1,
    bisectBatchOnFunctionError: false, tumblingWindowInSeconds: 0,
  };
  if (kind !== 'sqs') {
    const sp = input.StartingPosition;
    // A missing StartingPosition is the service's answer (InvalidParameterValue, with a final period); a bad one the framework's.
    if (sp === undefined || sp === null) throw invalid(`${validationMessage([violation(null, 'startingPosition', NOT_NULL)])}.`);
    if (sp !== 'TRIM_HORIZON' && sp !== 'LATEST' && sp !== 'AT_TIMESTAMP') {
      throw validationError('startingPosition', sp, inEnum(['LATEST', 'AT_TIMESTAMP', 'TRIM_HORIZON']));
    }
    if (sp === 'AT_TIMESTAMP' && kind === 'dynamodb') throw invalid(`Unsupported starting position for arn type: ${arn}`);
    base.startingPosition = sp;
    if (sp === 'AT_TIMESTAMP') {
      const ts = input.StartingPositionTimestamp;
      if (typeof ts !== 'number') throw invalid('StartingPositionTimestamp must be provided when StartingPosition is AT_TIMESTAMP.');
      base.startingPositionTimestamp = ts;
    }
  }
  return apply(base, input, ctx, true);
}

/** The configuration after an update (StartingPosition and EventSourceArn cannot change). */
export async function validateUpdate(current: EsmConfig, input: Input, ctx: EsmValidationContext): Promise<EsmConfig> {
  for (const key of ['EventSourceArn', 'StartingPosition', 'StartingPositionTimestamp']) {
    if (input[key] !== undefined) throw invalid(`${key} cannot be updated.`);
  }
  return { ...(await apply({ ...current }, input, ctx, false)), uuid: current.uuid };
}

async function apply<T extends Omit<EsmConfig, 'uuid'>>(cfg: T, input: Input, ctx: EsmValidationContext, creating: boolean): Promise<T> {
  const { kind, eventSourceArn: arn } = cfg;
  const fifo = kind === 'sqs' && arn.endsWith('.fifo');
  if (kind === 'sqs') {
    for (const key of STREAM_ONLY) {
      if (input[key] !== undefined && input[key] !== null) throw invalid(`Unsupported ${key} parameter for given event source mapping type.`);
    }
    if (input.DestinationConfig !== undefined && input.DestinationConfig !== null) {
      throw invalid('Unsupported DestinationConfig parameter for given event source mapping type.');
    }
  } else if (input.ScalingConfig !== undefined && input.ScalingConfig !== null) {
    throw invalid('Unsupported ScalingConfig parameter for given event source mapping type.');
  }
  let timeoutSeconds: number | undefined;
  if (creating || input.FunctionName !== undefined) {
    const ref = input.FunctionName;
    if (typeof ref !== 'string' || ref === '') throw validationError('functionName', ref, NOT_NULL);
    const fn = ctx.resolveFunction(ref);
    if (!fn) throw invalid('Function does not exist');
    cfg.functionArn = fn.functionArn;
    timeoutSeconds = fn.timeoutSeconds;
  }
  const enabled = bool(input, 'Enabled', 'enabled');
  if (enabled !== undefined) cfg.enabled = enabled;
  const batch = int(input, 'BatchSize', 'batchSize', 1, 10_000);
  if (batch !== undefined) cfg.batchSize = batch;
  const window = int(input, 'MaximumBatchingWindowInSeconds', 'maximumBatchingWindowInSeconds', 0, 300);
  if (window !== undefined) {
    if (fifo) throw invalid('Batching window is not supported for FIFO queues.');
    cfg.maximumBatchingWindowInSeconds = window;
  }
  if (fifo && cfg.batchSize > 10) throw invalid(`Batch size ${cfg.batchSize} is not supported for FIFO queues. Batch size must be between 1 and 10.`);
  if (kind === 'sqs' && cfg.batchSize > 10 && cfg.maximumBatchingWindowInSeconds === 0) {
    throw invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
  const types = input.FunctionResponseTypes;
  if (types !== undefined && types !== null) {
    if (!Array.isArray(types) || types.some((t) => t !== 'ReportBatchItemFailures')) {
      throw validationError('functionResponseTypes', types, membersSatisfy([inEnum(['ReportBatchItemFailures'])]));
    }
    cfg.functionResponseTypes = types.length > 0 ? ['ReportBatchItemFailures'] : [];
  }
  if (input.FilterCriteria !== undefined) cfg.filterCriteria = filters(input.FilterCriteria, kind, ctx);
  if (input.ScalingConfig !== undefined && input.ScalingConfig !== null) {
    const sc = input.ScalingConfig as Input;
    const max = int(sc, 'MaximumConcurrency', 'scalingConfig.maximumConcurrency', 2, 1000);
    cfg.scalingConfig = max === undefined ? {} : { MaximumConcurrency: max };
  }
  if (kind !== 'sqs') {
    const pf = int(input, 'ParallelizationFactor', 'parallelizationFactor', 1, 10);
    if (pf !== undefined) cfg.parallelizationFactor = pf;
    const age = int(input, 'MaximumRecordAgeInSeconds', 'maximumRecordAgeInSeconds', -1, 604_800);
    if (age !== undefined) {
      if (age !== -1 && age < 60) throw validationError('maximumRecordAgeInSeconds', age, valueAtLeast(60));
      cfg.maximumRecordAgeInSeconds = age;
    }
    const retries = int(input, 'MaximumRetryAttempts', 'maximumRetryAttempts', -1, 10_000);
    if (retries !== undefined) cfg.maximumRetryAttempts = retries;
    const bisect = bool(input, 'BisectBatchOnFunctionError', 'bisectBatchOnFunctionError');
    if (bisect !== undefined) cfg.bisectBatchOnFunctionError = bisect;
    const tumbling = int(input, 'TumblingWindowInSeconds', 'tumblingWindowInSeconds', 0, 900);
    if (tumbling !== undefined) cfg.tumblingWindowInSeconds = tumbling;
    const dc = input.DestinationConfig as Input | undefined | null;
    if (dc !== undefined && dc !== null) {
      const dest = (dc.OnFailure as Input | undefined)?.Destination;
      if (dest !== undefined && dest !== null && dest !== '') {
        if (typeof dest !== 'string' || !/^arn:aws[a-z-]*:(sqs|sns|s3):/.test(dest)) {
          throw invalid('The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=' + String(dest) + ')) is invalid.');
        }
        cfg.onFailureDestination = dest;
      } else {
        delete cfg.onFailureDestination;
      }
    }
  }
  const source = await ctx.checkSource(kind, arn);
  if (!source.exists) {
    throw kind === 'sqs'
      ? invalid('Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.')
      : invalid(`Stream not found: ${arn}`);
  }
  if (kind === 'sqs' && timeoutSeconds !== undefined && source.visibilityTimeoutSeconds !== undefined && source.visibilityTimeoutSeconds < timeoutSeconds) {
    throw invalid(`Queue visibility timeout: ${source.visibilityTimeoutSeconds} seconds is less than Function timeout: ${timeoutSeconds} seconds`);
  }
  return cfg;
}

function filters(value: unknown, kind: SourceKind, ctx: EsmValidationContext): FilterCriteria | undefined {
  if (value === null) return undefined;
  const list = (value as Input)?.Filters;
  if (!Array.isArray(list)) throw invalid('Invalid filter pattern definition.');
  if (list.length > 5) throw invalid('The number of filters in FilterCriteria exceeds the limit of 5.');
  const out: FilterCriteria = { Filters: [] };
  for (const f of list) {
    const pattern = (f as Input)?.Pattern;
    if (typeof pattern !== 'string' || pattern.length > 4096) throw invalid('Invalid filter pattern definition.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(pattern);
    } catch {
      throw invalid('Invalid filter pattern definition.');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('Invalid filter pattern definition.');
    ctx.validatePattern?.(pattern, kind);
    out.Filters.push({ Pattern: pattern });
  }
  return out.Filters.length > 0 ? out : undefined;
}

export { EsmError };
