// `--parameter-overrides` in SAM's syntax: space-separated `Key=Value` or
// `ParameterKey=Key,ParameterValue=Value` pairs; a value may be "double" or 'single' quoted (spaces
// kept) and `\ `, `\"`, `\'` are unescaped, as `sam local` does.

export class ParameterOverridesError extends Error {
  readonly code = 'EPH_ERR_PARAMETER_OVERRIDES';
}

const EXAMPLE = "'ParameterKey=KeyPairName,ParameterValue=MyKey ParameterKey=InstanceType,ParameterValue=t1.micro' or 'KeyPairName=MyKey InstanceType=t1.micro'";
const LONG_FORM = /^ParameterKey=([^,]+),ParameterValue=([\s\S]*)$/;
const SHORT_FORM = /^([A-Za-z0-9:._-]+)=([\s\S]*)$/;

/** Parse one --parameter-overrides value into Key → Value (later pairs win). */
export function parseParameterOverrides(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const token of tokens(text)) {
    const m = LONG_FORM.exec(token.raw) ?? SHORT_FORM.exec(token.raw);
    if (!m || m[1] === '') throw new ParameterOverridesError(`--parameter-overrides: '${token.shown}' is not in valid format. It must look something like ${EXAMPLE}`);
    out[m[1]] = unquote(m[2]);
  }
  return out;
}

/** Whitespace-separated tokens; whitespace inside quotes or after a backslash does not split. */
function tokens(text: string): Array<{ raw: string; shown: string }> {
  const out: Array<{ raw: string; shown: string }> = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (quote) {
      if (c === quote) quote = undefined;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (/\s/.test(c)) {
      if (current) out.push({ raw: current, shown: current });
      current = '';
    } else {
      current += c;
    }
  }
  if (quote) throw new ParameterOverridesError(`--parameter-overrides: unterminated ${quote} quote in '${current}'`);
  if (current) out.push({ raw: current, shown: current });
  return out;
}

/** Strip one pair of wrapping quotes, then unescape `\ `, `\"` and `\'`. */
function unquote(value: string): string {
  let v = value;
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
  return v.replaceAll('\\ ', ' ').replaceAll('\\"', '"').replaceAll("\\'", "'");
}
