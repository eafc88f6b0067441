// The module specifiers a .ts/.mjs source file imports, with their lines: static imports (type-only
// too), side-effect imports, re-exports and dynamic import(). Comments, string and template text and
// regular expression literals are masked first, so an import written inside them is not taken for one.

export interface ImportSite {
  /** The string as written; undefined for a dynamic import() of a computed value. */
  specifier: string | undefined;
  line: number;
  kind: 'static' | 'dynamic';
}

/** Keywords after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'instanceof']);

/**
 * The source with comments, the text of strings and template literals and regular expression bodies
 * replaced by spaces (quotes and newlines kept, so offsets and lines do not move).
 */
export function maskSource(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  /** Brace depth of each `${` we are inside of (code inside a template literal). */
  const templates: number[] = [];
  let depth = 0;
  let last = ''; // the last significant token: decides whether `/` starts a regex
  let i = 0;
  const templateText = (): void => {
    // From just after ` or }: up to the closing ` (blanked) or the next ${ (code again).
    const start = i;
    while (i < src.length && src[i] !== '`' && !(src[i] === '$' && src[i + 1] === '{')) i += src[i] === '\\' ? 2 : 1;
    blank(start, i);
    if (src[i] === '`') {
      i++;
      last = 'x';
    } else if (i < src.length) {
      templates.push(depth);
      depth++;
      i += 2;
      last = '{';
    }
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      blank(i, end < 0 ? src.length : end);
      i = end < 0 ? src.length : end;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      blank(i, end < 0 ? src.length : end + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === "'" || c === '"') {
      const start = ++i;
      while (i < src.length && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      blank(start, i);
      i++;
      last = 'x';
    } else if (c === '`') {
      i++;
      templateText();
    } else if (c === '/' && (last === '' || /[(,=:[!&|?{};+\-*%<>~^]$/.test(last) || BEFORE_REGEX.has(last))) {
      const start = i + 1;
      let inClass = false;
      i++;
      while (i < src.length && src[i] !== '\n' && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      blank(start, i);
      i++;
      last = 'x';
    } else if (c === '{') {
      depth++;
      last = '{';
      i++;
    } else if (c === '}') {
      depth--;
      i++;
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        templateText();
      } else {
        last = '}';
      }
    } else if (/[A-Za-z0-9_$]/.test(c)) {
      const m = /^[A-Za-z0-9_$]+/.exec(src.slice(i, i + 64))!;
      last = m[0];
      i += m[0].length;
    } else {
      if (!/\s/.test(c)) last = c;
      i++;
    }
  }
  return out.join('');
}

// On the masked source: a string shows as its quotes around blanks; the specifier is read from the
// original at the same offsets (the `d` flag gives group indices).
const PATTERNS: Array<{ re: RegExp; kind: ImportSite['kind'] }> = [
  // import x from '…', import type { A } from '…', import * as m from '…', export { a } from '…', export * from '…'
  { re: /\b(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\*\s*(?:as\s+[\w$]+)?|\{[^}]*\})?\s*from\s*(['"])([^'"\n]*)\1/dg, kind: 'static' },
  // import '…' (side effects only)
  { re: /\bimport\s*(['"])([^'"\n]*)\1/dg, kind: 'static' },
  // import('…'), and import(<expression>) (no specifier to check)
  { re: /\bimport\s*\(\s*(?:(['"])([^'"\n]*)\1\s*\)|)/dg, kind: 'dynamic' },
];

/** Every import of a source file, in order of appearance. */
export function importsOf(src: string): ImportSite[] {
  const masked = maskSource(src);
  const found = new Map<number, ImportSite>();
  for (const { re, kind } of PATTERNS) {
    for (const m of masked.matchAll(re)) {
      const at = m.index;
      if (found.has(at) || /[\w$.]/.test(masked[at - 1] ?? '')) continue; // `x.import(…)` is not an import
      const span = m.indices?.[2];
      found.set(at, { specifier: span ? src.slice(span[0], span[1]) : undefined, line: masked.slice(0, at).split('\n').length, kind });
    }
  }
  return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, site]) => site);
}
