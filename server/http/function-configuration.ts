// A function version as the management API describes it (FunctionConfiguration, reference §10): every
// field from its configuration and registry record; CodeSha256/CodeSize from the code itself (the
// zip as uploaded, else the folder's content).
import type { FunctionEntry, VersionRecord } from '../registry/function-entry.ts';
import type { Registry } from '../registry/registry.ts';
import { capacityProviderOutput } from './managed-instances-input.ts';
import { snapStartResponse } from '../environment/snap-start.ts';

/** `2019-09-24T18:52:11.497+0000`, the management API's LastModified format. */
export function lastModified(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

/**
 * Which answer the configuration is part of. `creating`: CreateFunction, or a version published while
 * the function is still being created or updated (State Pending). `updating`: an Update* answer (the
 * update InProgress). `settled`: Get*, and versions published from a settled function. `listed`:
 * ListFunctions / ListVersionsByFunction items, which carry no state and no runtime version.
 * ephemera is ready at once, so every later read is settled.
 */
export type ConfigurationView = 'creating' | 'updating' | 'settled' | 'listed';

export interface DescribeOptions {
  /** The FunctionArn to show (unqualified for lists and CreateFunction; qualified for Get with a qualifier). */
  arn: string;
  view?: ConfigurationView;
}

const BEING_CREATED = { reason: 'The function is being created.', code: 'Creating' };

function stateFields(view: ConfigurationView): Record<string, unknown> {
  switch (view) {
    case 'creating': return { State: 'Pending', StateReason: BEING_CREATED.reason, StateReasonCode: BEING_CREATED.code };
    case 'updating': return { State: 'Active', LastUpdateStatus: 'InProgress', LastUpdateStatusReason: BEING_CREATED.reason, LastUpdateStatusReasonCode: BEING_CREATED.code };
    case 'settled': return { State: 'Active', LastUpdateStatus: 'Successful' };
    case 'listed': return {};
  }
}

export function functionConfiguration(reg: Registry, record: VersionRecord, opts: DescribeOptions): Record<string, unknown> {
  const c = record.fv.config;
  const code = reg.codeFacts(record);
  const view = opts.view ?? 'settled';
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
    ...(c.environmentSet || Object.keys(c.environment).length ? { Environment: { Variables: c.environment } } : {}),
    ...(c.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: c.deadLetterTargetArn } } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: record.revisionId,
    ...(c.layers?.length ? { Layers: c.layers.map((dir, i) => ({ Arn: layerArn(dir, i), CodeSize: reg.code.facts(dir).size })) } : {}),
    ...stateFields(view),
    PackageType: 'Zip',
    Architectures: [c.architecture],
    EphemeralStorage: { Size: c.ephemeralStorage },
    SnapStart: snapStartResponse(c, record.fv.version),
    ...(view === 'listed' ? {} : { RuntimeVersionConfig: { RuntimeVersionArn: `arn:aws:lambda:${reg.ctx.region}::runtime:ephemera-${c.runtime}` } }),
    LoggingConfig: { LogFormat: c.logFormat, LogGroup: `/aws/lambda/${c.name}` },
    ...(c.durableConfig ? { DurableConfig: { ...c.durableConfig } } : {}),
    ...(c.managedInstances ? { CapacityProviderConfig: capacityProviderOutput(c.managedInstances) } : {}),
  };
}

/** GetFunction's answer: the configuration, where the code is, tags and reserved concurrency. */
export function getFunctionAnswer(reg: Registry, entry: FunctionEntry, record: VersionRecord, arn: string): Record<string, unknown> {
  const reserved = record.fv.config.reservedConcurrency;
  return {
    Configuration: functionConfiguration(reg, record, { arn }),
    Code: { RepositoryType: 'S3', Location: `file://${record.fv.config.codeDir}` },
    // AWS leaves Tags out when the function has none.
    ...(Object.keys(entry.tags).length ? { Tags: entry.tags } : {}),
    ...(reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: reserved } } : {}),
  };
}
