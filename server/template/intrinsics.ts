// Local evaluation of CloudFormation intrinsic functions (Ref, Fn::Sub, Fn::GetAtt, Fn::Join, ...)
// (conditions: conditions.ts). What cannot be known locally becomes a placeholder plus a warning.

import { Conditions } from './conditions.ts';
import { at, isRecord, type NodePath, type Site } from './node-path.ts';
import { NO_VALUE, References, type RawResource } from './references.ts';

export interface ResolverInput {
  region: string;
  accountId: string;
  parameters: Record<string, string | string[] | undefined>;
  mappings: Record<string, unknown>;
  conditions: Record<string, unknown>;
  resources: Record<string, RawResource>;
  /** Where the template's queues are served; their URLs are AWS's when unset. */
  queueUrlBase?: string;
  warn(site: Site, message: string): void;
  /** Throws a TemplateError for a malformed template at `path`. */
  fail(path: NodePath, message: string): never;
}

export class Resolver {
  readonly refs: References;
  private readonly input: ResolverInput;
  /** Number of placeholders produced so far: lets callers tell whether a sub-result is complete. */
  private unresolvedCount = 0;
  private readonly resolving = new Set<string>();
  private readonly conditions: Conditions;

  constructor(input: ResolverInput) {
    this.input = input;
    this.refs = new References({
      region: input.region,
      accountId: input.accountId,
      parameters: input.parameters,
      resources: input.resources,
      propertyString: (id, prop) => this.propertyString(id, prop),
      queueUrlBase: input.queueUrlBase,
    });
    this.conditions = new Conditions(input.conditions, (v, site) => this.resolveComplete(v, site), input.fail);
  }

  /** Resolves `value` and says whether it came out without placeholders. */
  resolveComplete(value: unknown, site: Site): { value: unknown; complete: boolean } {
    const before = this.unresolvedCount;
    const resolved = this.resolve(value, site);
    return { value: resolved, complete: this.unresolvedCount === before };
  }

  /** A named condition: true/false, or undefined when it depends on something not known locally. */
  condition(name: string, site: Site): boolean | undefined {
    return this.conditions.evaluate(name, site);
  }

  /** Resolves every intrinsic in `value`; `AWS::NoValue` removes map keys and list items. */
  resolve(value: unknown, site: Site): unknown {
    if (Array.isArray(value)) {
      return value.map((v, i) => this.resolve(v, at(site, i))).filter((v) => v !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
      return this.intrinsic(keys[0], value[keys[0]], site);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const v = this.resolve(value[key], at(site, key));
      if (v !== NO_VALUE) out[key] = v;
    }
    return out;
  }

  private propertyString(logicalId: string, prop: string): string | undefined {
    const res = this.input.resources[logicalId];
    if (!res || !Object.hasOwn(res.Properties, prop)) return undefined;
    const key = `${logicalId}.${prop}`;
    const path = ['Resources', logicalId, 'Properties', prop];
    if (this.resolving.has(key)) this.input.fail(path, `${prop} of ${logicalId} refers to itself`);
    this.resolving.add(key);
    try {
      const v = this.resolve(res.Properties[prop], { resource: logicalId, path });
      return v === NO_VALUE || v === undefined || v === null ? undefined : String(v);
    } finally {
      this.resolving.delete(key);
    }
  }

  private unresolved(site: Site, expr: string, reason: string, placeholder = `<unresolved ${expr}>`): string {
    this.unresolvedCount++;
    this.input.warn(site, `${expr} cannot be resolved locally (${reason}); left as "${placeholder}"`);
    return placeholder;
  }

  private intrinsic(fn: string, arg: unknown, site: Site): unknown {
    const fail = (msg: string): never => this.input.fail(site.path, `${fn}: ${msg}`);
    switch (fn) {
      case 'Ref': {
        if (typeof arg !== 'string') fail('expects the name of a parameter or resource');
        const r = this.refs.ref(arg as string);
        return r.ok ? r.value : this.unresolved(site, `Ref ${String(arg)}`, r.reason);
      }
      case 'Fn::GetAtt': {
        const parts = typeof arg === 'string' ? splitDot(arg) : this.resolve(arg, site);
        if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== 'string') {
          fail('expects [LogicalId, Attribute] or "LogicalId.Attribute"');
        }
        const [id, attr] = parts as [string, unknown];
        const r = this.refs.getAtt(id, String(attr));
        return r.ok ? r.value : this.unresolved(site, `Fn::GetAtt ${id}.${String(attr)}`, r.reason);
      }
      case 'Fn::Sub': return this.sub(arg, site, fail);
      case 'Fn::Join': {
        const [delim, list] = this.args(arg, 2, site, fail);
        if (typeof delim !== 'string') fail('the delimiter must be a string');
        return this.list(list, fail).map((v) => scalarString(v, fail)).join(delim as string);
      }
      case 'Fn::Select': {
        const [index, list] = this.args(arg, 2, site, fail);
        const items = this.list(list, fail);
        const i = Number(index);
        if (!Number.isInteger(i) || i < 0) fail(`index ${String(index)} is not a non-negative integer`);
        if (i >= items.length) {
          return items.length === 1 && isPlaceholder(items[0]) ? items[0] : fail(`index ${i} is out of range`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [delim, str] = this.args(arg, 2, site, fail);
        return scalarString(str, fail).split(scalarString(delim, fail));
      }
      case 'Fn::FindInMap': return this.findInMap(arg, site, fail);
      case 'Fn::Base64': return Buffer.from(scalarString(this.resolve(arg, site), fail)).toString('base64');
      case 'Fn::GetAZs': {
        const region = this.resolve(arg, site);
        const r = typeof region === 'string' && region !== '' ? region : this.input.region;
        return ['a', 'b', 'c'].map((z) => `${r}${z}`);
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
          fail('expects [ConditionName, ValueIfTrue, ValueIfFalse]');
        }
        const [name, yes, no] = arg as [string, unknown, unknown];
        const c = this.condition(name, site);
        if (c === undefined) return this.unresolved(site, `Fn::If ${name}`, `condition ${name} is not known locally`);
        return c ? this.resolve(yes, at(site, 1)) : this.resolve(no, at(site, 2));
      }
      case 'Fn::Length': return this.list(this.resolve(arg, site), fail).length;
      case 'Fn::ToJsonString': return JSON.stringify(this.resolve(arg, site));
      case 'Fn::ImportValue': {
        const name = this.resolve(arg, site);
        return this.unresolved(site, `Fn::ImportValue ${String(name)}`, 'exports of other stacks are not available');
      }
      case 'Fn::Equals': case 'Fn::And': case 'Fn::Or': case 'Fn::Not':
        return this.unresolved(site, fn, 'condition functions are evaluated only in Conditions');
      default:
        return this.unresolved(site, fn, 'not supported by ephemera');
    }
  }

  private args(arg: unknown, n: number, site: Site, fail: (m: string) => never): unknown[] {
    if (!Array.isArray(arg) || arg.length !== n) fail(`expects a list of ${n} arguments`);
    return (arg as unknown[]).map((v, i) => this.resolve(v, at(site, i)));
  }

  /** A resolved list argument; an unresolved placeholder stands for a one-item list. */
  private list(v: unknown, fail: (m: string) => never): unknown[] {
    if (Array.isArray(v)) return v;
    if (isPlaceholder(v)) return [v];
    return fail(`expects a list, got ${JSON.stringify(v)}`);
  }

  private sub(arg: unknown, site: Site, fail: (m: string) => never): string {
    let text: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      if (arg.length !== 2 || !isRecord(arg[1])) fail('expects a string or [String, {Var: Value}]');
      text = arg[0];
      vars = this.resolve(arg[1], at(site, 1)) as Record<string, unknown>;
    }
    if (typeof text !== 'string') return fail('the template must be a string');
    return text.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      if (Object.hasOwn(vars, name)) return subValue(vars[name], fail);
      const dot = name.indexOf('.');
      const r = dot > 0 ? this.refs.getAtt(name.slice(0, dot), name.slice(dot + 1)) : this.refs.ref(name);
      return r.ok ? subValue(r.value, fail) : this.unresolved(site, `\${${name}} in Fn::Sub`, r.reason, `\${${name}}`);
    });
  }

  private findInMap(arg: unknown, site: Site, fail: (m: string) => never): unknown {
    if (!Array.isArray(arg) || (arg.length !== 3 && arg.length !== 4)) {
      fail('expects [MapName, TopLevelKey, SecondLevelKey]');
    }
    const { value, complete } = this.resolveComplete(arg, site);
    const [map, top, second, options] = value as unknown[];
    if (!complete) return `<unresolved Fn::FindInMap>`;
    const found = dig(this.input.mappings, [String(map), String(top), String(second)]);
    if (found !== undefined) return found;
    if (isRecord(options) && Object.hasOwn(options, 'DefaultValue')) return options.DefaultValue;
    const expr = `Fn::FindInMap ${String(map)}.${String(top)}.${String(second)}`;
    return this.unresolved(site, expr, 'no such entry in Mappings');
  }
}

function splitDot(s: string): string[] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

function isPlaceholder(v: unknown): boolean {
  return typeof v === 'string' && v.startsWith('<unresolved ');
}

function scalarString(v: unknown, fail: (m: string) => never): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail(`expects a string, got ${JSON.stringify(v)}`);
}

function subValue(v: unknown, fail: (m: string) => never): string {
  if (v === NO_VALUE) return '';
  if (Array.isArray(v)) return v.map((x) => scalarString(x, fail)).join(',');
  return scalarString(v, fail);
}

function dig(root: unknown, keys: string[]): unknown {
  let cur = root;
  for (const k of keys) {
    if (!isRecord(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

