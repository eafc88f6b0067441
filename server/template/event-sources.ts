// The template's event source mappings as CreateEventSourceMapping inputs: SAM `Events` of type SQS,
// Kinesis and DynamoDB on a function, and AWS::Lambda::EventSourceMapping resources.
import type { LoadedTemplate } from '../model.ts';
import { isRecord } from './node-path.ts';
import { ESM_EVENT_TYPES } from './function-properties.ts';

export interface TemplateEventSourceMapping {
  /** `Function.EventName` for SAM events, the logical id for AWS::Lambda::EventSourceMapping. */
  origin: string;
  /** The API's CreateEventSourceMapping body. */
  input: Record<string, unknown>;
}

/** SAM event properties that are passed to the mapping as they are. */
const PASSED = [
  'BatchSize', 'Enabled', 'FilterCriteria', 'FunctionResponseTypes', 'MaximumBatchingWindowInSeconds', 'ScalingConfig',
  'StartingPosition', 'StartingPositionTimestamp', 'ParallelizationFactor', 'MaximumRecordAgeInSeconds',
  'MaximumRetryAttempts', 'BisectBatchOnFunctionError', 'TumblingWindowInSeconds',
];

export function templateEventSourceMappings(template: LoadedTemplate): TemplateEventSourceMapping[] {
  const out: TemplateEventSourceMapping[] = [];
  const resources = template.resources ?? {};
  for (const fn of template.functions) {
    const props = resources[fn.logicalId]?.Properties ?? {};
    const events = props.Events;
    if (!isRecord(events)) continue;
    // SAM points the mapping at the alias when the function publishes one.
    const alias = typeof props.AutoPublishAlias === 'string' ? `:${props.AutoPublishAlias}` : '';
    for (const [name, ev] of Object.entries(events)) {
      if (!isRecord(ev) || !ESM_EVENT_TYPES.has(String(ev.Type))) continue;
      const p = isRecord(ev.Properties) ? ev.Properties : {};
      const input: Record<string, unknown> = {
        FunctionName: `${fn.name}${alias}`,
        EventSourceArn: ev.Type === 'SQS' ? p.Queue : p.Stream,
      };
      for (const key of PASSED) if (p[key] !== undefined) input[key] = numeric(key, p[key]);
      if (isRecord(p.DestinationConfig) && isRecord(p.DestinationConfig.OnFailure)) {
        input.DestinationConfig = { OnFailure: { Destination: p.DestinationConfig.OnFailure.Destination } };
      }
      out.push({ origin: `${fn.logicalId}.Events.${name}`, input });
    }
  }
  for (const [id, res] of Object.entries(resources)) {
    if (res.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const input: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(res.Properties)) input[key] = numeric(key, v);
    out.push({ origin: id, input });
  }
  return out;
}

const NUMERIC = new Set([
  'BatchSize', 'MaximumBatchingWindowInSeconds', 'ParallelizationFactor', 'MaximumRecordAgeInSeconds',
  'MaximumRetryAttempts', 'TumblingWindowInSeconds', 'StartingPositionTimestamp',
]);

/** Template parameters arrive as strings: numbers and booleans are converted as CloudFormation does. */
function numeric(key: string, v: unknown): unknown {
  if (typeof v === 'string' && NUMERIC.has(key) && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  if (typeof v === 'string' && (key === 'Enabled' || key === 'BisectBatchOnFunctionError') && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  if (key === 'ScalingConfig' && isRecord(v) && typeof v.MaximumConcurrency === 'string') {
    return { ...v, MaximumConcurrency: Number(v.MaximumConcurrency) };
  }
  return v;
}
