// AWS::Kinesis::Stream and AWS::DynamoDB::Table (its StreamSpecification) in a template: checked while
// loading, and turned into embedded streams at start-up. Names: `Name` / `TableName`, else the logical id.
import { VIEW_TYPES, type StreamViewType } from '../../services/dynamodb-streams/embedded-dynamodb-stream.ts';
import type { StreamRegistry } from '../../services/streams/stream-registry.ts';
import type { LoadedTemplate } from '../model.ts';
import { isRecord, type NodePath } from './node-path.ts';
import { STREAM_LABEL } from './references.ts';

export const STREAM_TYPES = new Set(['AWS::Kinesis::Stream', 'AWS::DynamoDB::Table']);
/** On-demand streams (and CreateStream without ShardCount) get this many shards. */
export const ON_DEMAND_SHARDS = 4;

interface CheckContext {
  fail(path: NodePath, message: string): never;
  warn(path: NodePath, message: string): void;
}

/** Check a stream resource's resolved properties; `path` is the resource's Properties path. */
export function checkStreamResource(type: string, props: Record<string, unknown>, path: NodePath, ctx: CheckContext): void {
  if (type === 'AWS::Kinesis::Stream') {
    const mode = isRecord(props.StreamModeDetails) ? props.StreamModeDetails.StreamMode : undefined;
    if (mode !== undefined && mode !== 'PROVISIONED' && mode !== 'ON_DEMAND') {
      ctx.fail([...path, 'StreamModeDetails', 'StreamMode'], `StreamMode must be PROVISIONED or ON_DEMAND; got ${JSON.stringify(mode)}`);
    }
    if (props.ShardCount !== undefined) {
      const n = Number(props.ShardCount);
      if (!Number.isInteger(n) || n < 1 || n > 500) ctx.fail([...path, 'ShardCount'], `ShardCount must be an integer from 1 to 500; got ${JSON.stringify(props.ShardCount)}`);
      if (mode === 'ON_DEMAND') ctx.fail([...path, 'ShardCount'], 'ShardCount cannot be set on an ON_DEMAND stream');
    }
    if (props.RetentionPeriodHours !== undefined) {
      const h = Number(props.RetentionPeriodHours);
      if (!Number.isInteger(h) || h < 24 || h > 8760) {
        ctx.fail([...path, 'RetentionPeriodHours'], `RetentionPeriodHours must be an integer from 24 to 8760; got ${JSON.stringify(props.RetentionPeriodHours)}`);
      }
    }
    for (const key of Object.keys(props)) {
      if (!['Name', 'ShardCount', 'RetentionPeriodHours', 'StreamModeDetails', 'StreamEncryption', 'Tags'].includes(key)) {
        ctx.warn([...path, key], 'not used locally (ignored)');
      }
    }
    return;
  }
  const spec = props.StreamSpecification;
  if (spec === undefined) {
    ctx.warn(path, 'a table without StreamSpecification: there is no DynamoDB locally, so nothing is emulated for it');
    return;
  }
  const view = isRecord(spec) ? spec.StreamViewType : undefined;
  if (!VIEW_TYPES.includes(view as StreamViewType)) {
    ctx.fail([...path, 'StreamSpecification', 'StreamViewType'], `StreamViewType must be one of ${VIEW_TYPES.join(', ')}; got ${JSON.stringify(view ?? null)}`);
  }
}

/** Create the template's embedded streams in `streams` (after checkStreamResource passed at load time). */
export function createTemplateStreams(template: LoadedTemplate, streams: StreamRegistry): void {
  for (const [id, res] of Object.entries(template.resources ?? {})) {
    const p = res.Properties;
    if (res.Type === 'AWS::Kinesis::Stream') {
      const onDemand = isRecord(p.StreamModeDetails) && p.StreamModeDetails.StreamMode === 'ON_DEMAND';
      streams.createKinesis({
        name: typeof p.Name === 'string' ? p.Name : id,
        shardCount: onDemand ? ON_DEMAND_SHARDS : p.ShardCount === undefined ? 1 : Number(p.ShardCount),
        retentionPeriodHours: p.RetentionPeriodHours === undefined ? 24 : Number(p.RetentionPeriodHours),
        mode: onDemand ? 'ON_DEMAND' : 'PROVISIONED',
      });
    } else if (res.Type === 'AWS::DynamoDB::Table' && isRecord(p.StreamSpecification)) {
      const keySchema = Array.isArray(p.KeySchema) ? p.KeySchema.filter(isRecord).map((k) => ({ AttributeName: String(k.AttributeName), KeyType: String(k.KeyType) })) : [];
      streams.createTableStream(typeof p.TableName === 'string' ? p.TableName : id, p.StreamSpecification.StreamViewType as StreamViewType, STREAM_LABEL, keySchema);
    }
  }
}
