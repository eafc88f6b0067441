// SnapStart's configuration (`SnapStart: {ApplyOn: PublishedVersions | None}`) as the template and the
// API give it, how GetFunctionConfiguration shows it (OptimizationStatus On for a published version
// of a function that applies it, Off for $LATEST), and which runtimes ephemera restores from a snapshot.
import type { FunctionConfig } from '../model.ts';

export const APPLY_ON = ['PublishedVersions', 'None'] as const;
export type ApplyOn = (typeof APPLY_ON)[number];

/** The ApplyOn value, or undefined when it is not one of AWS's enum values. */
export function parseApplyOn(value: unknown): ApplyOn | undefined {
  if (value === undefined || value === null) return 'None';
  return APPLY_ON.find((v) => v === value);
}

/** GetFunctionConfiguration's SnapStart field for one version. */
export function snapStartResponse(config: FunctionConfig, version: string): { ApplyOn: ApplyOn; OptimizationStatus: 'On' | 'Off' } {
  const applyOn = config.snapStart ?? 'None';
  return { ApplyOn: applyOn, OptimizationStatus: applyOn === 'PublishedVersions' && version !== '$LATEST' ? 'On' : 'Off' };
}

/** Python 3.12 and later: the runtimes whose snapshot ephemera takes as a real copy of the process. */
export function restoresFromSnapshot(runtime: string): boolean {
  const m = /^python3\.(\d+)$/.exec(runtime);
  return m !== null && Number(m[1]) >= 12;
}

/** A published version of a function that applies SnapStart, on a runtime ephemera snapshots: restored, not initialised. */
export function snapStartApplies(config: FunctionConfig, version: string): boolean {
  return config.snapStart === 'PublishedVersions' && version !== '$LATEST' && restoresFromSnapshot(config.runtime);
}
