// The template's Parameters: each one's value (parameter override, else Default), checked against
// AllowedValues, and split into a list for CommaDelimitedList / List<...> types.

import { isRecord, type NodePath } from './node-path.ts';
import type { WarningCollector } from './warnings.ts';

export type ParameterValues = Record<string, string | string[] | undefined>;

export interface ParameterContext {
  warnings: WarningCollector;
  fail(path: NodePath, message: string): never;
}

export function parameterValues(
  section: unknown,
  overrides: Readonly<Record<string, string>>,
  ctx: ParameterContext,
): ParameterValues {
  const out: ParameterValues = {};
  if (section === undefined || section === null) section = {};
  if (!isRecord(section)) ctx.fail(['Parameters'], 'Parameters must be a mapping');
  for (const [name, def] of Object.entries(section as Record<string, unknown>)) {
    const path = ['Parameters', name];
    if (!isRecord(def)) ctx.fail(path, `parameter ${name} must be a mapping with a Type`);
    const d = def as Record<string, unknown>;
    const raw = Object.hasOwn(overrides, name) ? overrides[name] : d.Default;
    if (raw === undefined || raw === null) {
      out[name] = undefined;
      continue;
    }
    const value = Array.isArray(raw) ? raw.map(String).join(',') : String(raw);
    if (Array.isArray(d.AllowedValues)) {
      const allowed = d.AllowedValues.map(String);
      if (!allowed.includes(value)) {
        const from = Object.hasOwn(overrides, name) ? 'override' : 'Default';
        ctx.fail(Object.hasOwn(overrides, name) ? path : [...path, 'Default'],
          `parameter ${name}: ${from} value '${value}' is not one of AllowedValues [${allowed.join(', ')}]`);
      }
    }
    const type = typeof d.Type === 'string' ? d.Type : 'String';
    out[name] = type === 'CommaDelimitedList' || type.startsWith('List<') ? value.split(',').map((s) => s.trim()) : value;
  }
  for (const name of Object.keys(overrides)) {
    if (!Object.hasOwn(out, name)) {
      ctx.warnings.add('', undefined, `parameter override ${name} does not match any parameter of the template; ignored`);
    }
  }
  return out;
}
