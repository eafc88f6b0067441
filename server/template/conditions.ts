// The template's Conditions section: Fn::Equals / Fn::And / Fn::Or / Fn::Not / Condition, evaluated
// with three-valued logic (undefined = depends on something that cannot be resolved locally).

import { at, isRecord, type NodePath, type Site } from './node-path.ts';

type ResolveComplete = (value: unknown, site: Site) => { value: unknown; complete: boolean };

export class Conditions {
  private readonly defs: Record<string, unknown>;
  private readonly resolve: ResolveComplete;
  private readonly fail: (path: NodePath, message: string) => never;
  private readonly cache = new Map<string, boolean | undefined>();
  private readonly evaluating = new Set<string>();

  constructor(defs: Record<string, unknown>, resolve: ResolveComplete, fail: (path: NodePath, message: string) => never) {
    this.defs = defs;
    this.resolve = resolve;
    this.fail = fail;
  }

  /** Evaluates condition `name`, referenced at `site`. */
  evaluate(name: string, site: Site): boolean | undefined {
    if (this.cache.has(name)) return this.cache.get(name);
    if (!Object.hasOwn(this.defs, name)) this.fail(site.path, `condition '${name}' is not defined in Conditions`);
    if (this.evaluating.has(name)) this.fail(['Conditions', name], `condition '${name}' refers to itself`);
    this.evaluating.add(name);
    const value = this.expr(this.defs[name], { resource: '', path: ['Conditions', name] });
    this.evaluating.delete(name);
    this.cache.set(name, value);
    return value;
  }

  private expr(expr: unknown, site: Site): boolean | undefined {
    if (typeof expr === 'boolean') return expr;
    const keys = isRecord(expr) ? Object.keys(expr) : [];
    if (keys.length !== 1) this.fail(site.path, 'a condition must be a single condition function');
    const fn = keys[0];
    const arg = (expr as Record<string, unknown>)[fn];
    const inner = at(site, fn);
    if (fn === 'Condition') return this.evaluate(String(arg), inner);
    const list = Array.isArray(arg) ? arg : this.fail(inner.path, `${fn} expects a list`);
    const parts = (): (boolean | undefined)[] => list.map((c, i) => this.expr(c, at(inner, i)));
    switch (fn) {
      case 'Fn::Equals': {
        if (list.length !== 2) this.fail(inner.path, 'Fn::Equals expects two values');
        const { value, complete } = this.resolve(list, inner);
        if (!complete) return undefined;
        const [a, b] = (value as unknown[]).map(canon);
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not': {
        if (list.length !== 1) this.fail(inner.path, 'Fn::Not expects one condition');
        const [c] = parts();
        return c === undefined ? undefined : !c;
      }
      case 'Fn::And': {
        const cs = parts();
        return cs.includes(false) ? false : cs.includes(undefined) ? undefined : true;
      }
      case 'Fn::Or': {
        const cs = parts();
        return cs.includes(true) ? true : cs.includes(undefined) ? undefined : false;
      }
      default:
        return this.fail(inner.path, `${fn} is not a condition function`);
    }
  }
}

/** CloudFormation compares values as strings: `!Equals [!Ref Count, 3]` holds when Count is "3". */
function canon(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}
