// Masks: what AWS's recordings hide (ids, dates, hashes, request ids) is written in the data as
// `<kind>` or `<kind:label>`; a labelled mask binds on first sight, the same label must see the same
// value again and two labels of one kind must see different values (a RevisionId that must change).
// `${name}` in data is a per-run value (see vars.ts). Pure.

/** The mask kinds and the text they stand for. */
export const MASKS: Record<string, string> = {
  uuid: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  // LastModified of the Lambda API: 2019-09-24T18:52:11.497+0000.
  'lambda-date': '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000',
  // ISO 8601 with a zone (function URLs' CreationTime, EventInvokeConfig's LastModified as text).
  'iso-date': '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)',
  sha256: '[A-Za-z0-9+/]{43}=',
  md5: '[0-9a-f]{32}',
  digits: '\\d+',
  base64: '[A-Za-z0-9+/]+={0,2}',
  string: '[\\s\\S]*',
  'non-empty': '[\\s\\S]+',
};

/** Whole-value masks for values that are not strings. */
const VALUE_MASKS = new Set(['any', 'number', 'int', 'timestamp', 'non-empty-list']);

export class Bindings {
  private readonly byLabel = new Map<string, string>();

  /** Bind `kind:label` to `value`; a difference description, or undefined when it holds. */
  bind(kind: string, label: string, value: string): string | undefined {
    const key = `${kind}:${label}`;
    const had = this.byLabel.get(key);
    if (had !== undefined) return had === value ? undefined : `<${key}> was ${had}, now ${value}`;
    for (const [k, v] of this.byLabel) {
      if (k.startsWith(`${kind}:`) && v === value) return `<${key}> has the value of <${k}> (${value}): it should differ`;
    }
    this.byLabel.set(key, value);
    return undefined;
  }
}

const TOKEN = /<([a-z][a-z0-9-]*)(?::([A-Za-z0-9_-]+))?>/g;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does `text` contain a mask token this module knows? */
export function hasMask(text: string): boolean {
  for (const m of text.matchAll(TOKEN)) if (MASKS[m[1]] !== undefined || VALUE_MASKS.has(m[1])) return true;
  return false;
}

/**
 * Match an expected value (already free of `${}`) against an observed one. Returns the differences,
 * prefixed by `path`. Objects: the same keys (unless `partial`), arrays: the same length and order.
 */
export function matchValue(expected: unknown, observed: unknown, path: string, b: Bindings, partial = false): string[] {
  if (typeof expected === 'string') {
    const whole = /^<([a-z][a-z0-9-]*)(?::([A-Za-z0-9_-]+))?>$/.exec(expected);
    if (whole && VALUE_MASKS.has(whole[1])) return matchValueMask(whole[1], observed, path);
    if (typeof observed !== 'string') return [`${path}: expected a string ${JSON.stringify(expected)}, got ${JSON.stringify(observed)}`];
    return matchText(expected, observed, path, b);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(observed)) return [`${path}: expected a list, got ${JSON.stringify(observed)}`];
    const list: unknown[] = observed;
    if (list.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${list.length}: ${JSON.stringify(list)}`];
    return expected.flatMap((e, i) => matchValue(e, list[i], `${path}[${i}]`, b, partial));
  }
  if (expected !== null && typeof expected === 'object') {
    if (typeof observed === 'string' && /^[{[]/.test(observed.trim())) {
      try {
        observed = JSON.parse(observed);
      } catch {
        // compared as it is below
      }
    }
    if (observed === null || typeof observed !== 'object' || Array.isArray(observed)) return [`${path}: expected an object, got ${JSON.stringify(observed)}`];
    const exp = expected as Record<string, unknown>;
    const obs = observed as Record<string, unknown>;
    const out: string[] = [];
    for (const k of Object.keys(exp)) {
      if (exp[k] === '<absent>') {
        if (k in obs && obs[k] !== undefined) out.push(`${path}.${k}: present (${JSON.stringify(obs[k])}) where AWS sends none`);
      } else if (!(k in obs) || obs[k] === undefined) {
        out.push(`${path}.${k}: missing (AWS: ${JSON.stringify(exp[k])})`);
      } else {
        out.push(...matchValue(exp[k], obs[k], `${path}.${k}`, b, partial));
      }
    }
    if (!partial) {
      for (const k of Object.keys(obs)) if (!(k in exp) && obs[k] !== undefined) out.push(`${path}.${k}: not sent by AWS (${JSON.stringify(obs[k])})`);
    }
    return out;
  }
  return Object.is(expected, observed) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(observed)}`];
}

function matchValueMask(kind: string, observed: unknown, path: string): string[] {
  const ok = kind === 'any' ? observed !== undefined
    : kind === 'number' ? typeof observed === 'number'
      : kind === 'int' ? Number.isInteger(observed)
        : kind === 'non-empty-list' ? Array.isArray(observed) && observed.length > 0
          // a timestamp: epoch seconds on the wire, a Date from the SDK
          : typeof observed === 'number' || observed instanceof Date;
  return ok ? [] : [`${path}: expected <${kind}>, got ${JSON.stringify(observed)}`];
}

/** A string with literal parts and masks, matched as one regular expression. */
export function matchText(expected: string, observed: string, path: string, b: Bindings): string[] {
  if (!hasMask(expected)) return expected === observed ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(observed)}`];
  const labels: Array<{ kind: string; label?: string }> = [];
  let source = '';
  let last = 0;
  for (const m of expected.matchAll(TOKEN)) {
    if (MASKS[m[1]] === undefined) continue;
    source += escapeRegex(expected.slice(last, m.index));
    source += `(${MASKS[m[1]]})`;
    labels.push({ kind: m[1], label: m[2] });
    last = m.index + m[0].length;
  }
  source += escapeRegex(expected.slice(last));
  const found = new RegExp(`^${source}$`).exec(observed);
  if (!found) return [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(observed)}`];
  const out: string[] = [];
  labels.forEach((l, i) => {
    if (l.label === undefined) return;
    const diff = b.bind(l.kind, l.label, found[i + 1]);
    if (diff) out.push(`${path}: ${diff}`);
  });
  return out;
}
