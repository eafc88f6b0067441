// A function version as the management API describes it (FunctionConfiguration, reference §10): every
// field from its configuration and registry record; CodeSha256/CodeSize from the code itself (the
// zip as uploaded, else the folder's content).
import type { FunctionEntry, VersionRecord } from '../registry/function-entry.ts';
import type { Registry } from '../registry/registry.ts';

/** `2019-09-24T18:52:11.497+0000`, the management API's LastModified format. */
export function lastModified(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

export interface DescribeOptions {
  /** The FunctionArn to show (unqualified for lists and CreateFunction; qualified for Get with a qualifier). */
  arn: string;
  /**
   * What AWS answers right after CreateFunction / PublishVersion (`Pending`) and updates
   * (`InProgress`); ephemera is ready at once, so later reads say Active / Successful.
   */
  transition?: 'creating' | 'updating';
}

export function functionConfiguration(reg: Registry, record: VersionRecord, opts: DescribeOptions): Record<string, unknown> {
  const c = record.fv.config;
  const code = reg.codeFacts(record);
  const layerArn = (dir: string, i: number): string => record.layerArns?.[i] ?? reg.layerArn(dir);
  return {
    FunctionName: c.name,
    FunctionArn: opts.arn,
    Runtime: c.runtime,
    Role: record.role,
    Handler: c.handler,
    CodeSize: code.size,
    Description: c.description,
    Timeout: c.timeout,
    MemorySize: c.memorySize,
    LastModified: lastModified(record.lastModified),
    CodeSha256: code.sha256,
    Version: record.fv.version,
    ...(Object.keys(c.environment).length ? { Environment: { Variables: c.environment } } : {}),
    ...(c.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: c.deadLetterTargetArn } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: record.revisionId,
    ...(c.layers?.length ? { Layers: c.layers.map((dir, i) => ({ Arn: layerArn(dir, i), CodeSize: reg.code.facts(dir).size })) } : {}),
    ...(opts.transition === 'creating'
      ? { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' }
      : { State: 'Active' }),
    ...(opts.transition === 'updating'
      ? { LastUpdateStatus: 'InProgress', LastUpdateStatusReason: 'The function is being created.', LastUpdateStatusReasonCode: 'Creating' }
      : { LastUpdateStatus: 'Successful' }),
    PackageType: 'Zip',
    Architectures: [c.architecture],
    EphemeralStorage: { Size: c.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: `arn:aws:lambda:${reg.ctx.region}::runtime:ephemera-${c.runtime}` },
    LoggingConfig: { LogFormat: c.logFormat, LogGroup: `/aws/lambda/${c.name}` },
    ...(c.durableConfig ? { DurableConfig: { ...c.durableConfig } } : {}),
  };
}

/** GetFunction's answer: the configuration, where the code is, tags and reserved concurrency. */
export function getFunctionAnswer(reg: Registry, entry: FunctionEntry, record: VersionRecord, arn: string): Record<string, unknown> {
  const reserved = record.fv.config.reservedConcurrency;
  return {
    Configuration: functionConfiguration(reg, record, { arn }),
    Code: { RepositoryType: 'S3', Location: `file://${record.fv.config.codeDir}` },
    Tags: entry.tags,
    ...(reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: reserved } } : {}),
  };
}
