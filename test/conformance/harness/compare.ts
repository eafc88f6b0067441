// One step's expectation against what a transport observed → the differences, in words. Status,
// error type, query error code and fault, message, the error body's keys (raw HTTP), the output's
// fields and values (masks.ts), and the request id header every AWS answer carries. Pure.
import type { Expectation, Transport } from './case-file.ts';
import { type Bindings, matchText, matchValue } from './masks.ts';
import type { Observation } from './observation.ts';
import { pick } from './vars.ts';

export function compare(exp: Expectation, obs: Observation, transport: Transport, b: Bindings, select?: string): string[] {
  const out: string[] = [];
  if (obs.status !== exp.status) out.push(`status: expected ${exp.status}, got ${obs.status}`);
  const wantsError = exp.error !== undefined || exp.code !== undefined || exp.status >= 400;
  if (wantsError) {
    if (!obs.error) {
      out.push(`expected an error ${exp.error ?? exp.code ?? ''}, got an answer ${JSON.stringify(obs.output)}`);
      return out;
    }
    // The query protocol's XML names only the code; the JSON protocols and the SDK name the type (the v3
    // SDK names a query-compatible error its model does not declare by its query code).
    const sdkAlias = transport === 'sdk' && exp.code !== undefined && obs.error.type === exp.code;
    if (exp.error !== undefined && transport !== 'query' && obs.error.type !== exp.error && !sdkAlias) {
      out.push(`error type: expected ${exp.error}, got ${obs.error.type}`);
    }
    if (exp.code !== undefined && obs.error.code !== exp.code) out.push(`error code: expected ${exp.code}, got ${obs.error.code}`);
    if (exp.fault !== undefined && obs.error.fault !== exp.fault) out.push(`fault: expected ${exp.fault}, got ${obs.error.fault}`);
    if (exp.message !== undefined) {
      if (obs.error.message === undefined) out.push(`message: expected ${JSON.stringify(exp.message)}, got none`);
      else out.push(...matchText(exp.message, obs.error.message, 'message', b));
    }
    if (exp.validation !== undefined) out.push(...compareValidation(exp.validation, obs.error.message ?? ''));
    if (exp.body !== undefined && transport === 'http') {
      const keys = Object.keys(obs.errorBody ?? {}).sort();
      const want = [...exp.body].sort();
      if (keys.join() !== want.join()) out.push(`error body keys: expected [${want.join(', ')}], got [${keys.join(', ')}]`);
    }
  } else {
    if (obs.error) out.push(`expected success, got ${obs.error.type ?? obs.error.code}: ${obs.error.message}`);
    else if (exp.output !== undefined) {
      const observed = select === undefined ? obs.output ?? {} : pick(obs.output, select);
      out.push(...matchValue(exp.output, observed, select === undefined ? 'output' : `output.${select}`, b, exp.partial === true));
    }
    if (!obs.error && exp.tail !== undefined) {
      const log = obs.output?.LogResult;
      // Lines as Python's splitlines() gives them (no empty last line), as the recording took them.
      const text = typeof log === 'string' ? Buffer.from(log, 'base64').toString('utf8').replace(/\r?\n$/, '') : '';
      const lines = text === '' ? [] : text.split(/\r?\n/).filter((l) => !l.startsWith('REPORT'));
      out.push(...matchValue(exp.tail, lines, 'tail', b));
    }
  }
  if (obs.headers && obs.headers['x-amzn-requestid'] === undefined) out.push('header x-amzn-RequestId: missing');
  return out;
}

/** The parts of a Coral validation message, sorted (how the recordings keep them). */
export function validationParts(message: string): string[] {
  return [...message.matchAll(/(Value (?:'.*?'|null) at '.*?' failed to satisfy constraint: .+?(?=; Value |$))/g)].map((m) => m[1]).sort();
}

function compareValidation(expected: string[], message: string): string[] {
  const n = expected.length;
  const prefix = `${n} validation error${n === 1 ? '' : 's'} detected: `;
  const out: string[] = [];
  if (!message.startsWith(prefix)) out.push(`message: expected to start with ${JSON.stringify(prefix)}, got ${JSON.stringify(message)}`);
  const got = validationParts(message);
  const want = [...expected].sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) out.push(`validation errors: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  return out;
}
