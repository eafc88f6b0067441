// The conformance data model: a case file (YAML under test/conformance/cases/) names where its facts
// were recorded, and holds scenarios (one recorded AWS test each) whose steps carry the expected answer.
// Loading checks the structure, so a typo in a data file fails loudly instead of testing nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type Service = 'lambda' | 'sqs' | 'kinesis' | 'dynamodbstreams';
/** How a step reaches ephemera: raw HTTP (per protocol) or the AWS SDK for JavaScript v3. */
export type Transport = 'http' | 'sdk' | 'query';

export interface Provenance {
  repository: string;
  /** The commit the snapshot files were read at. */
  commit: string;
  /** The recorded snapshot file, and the test file whose source shows the requests. */
  snapshot: string;
  test: string;
}

export interface Expectation {
  status: number;
  /** Error type: Lambda's x-amzn-ErrorType, the JSON protocols' `__type` shape, the SDK's `name`. */
  error?: string;
  /** Query-compatible error code (SQS: x-amzn-query-error, the query protocol's <Code>). */
  code?: string;
  /** `Sender` / `Receiver` (SQS), next to the code. */
  fault?: string;
  message?: string;
  /**
   * A "N validation errors detected" message by its parts, in any order (AWS's order is not stable; the
   * recordings keep them sorted): each `Value '…' at '…' failed to satisfy constraint: …`.
   */
  validation?: string[];
  /** Raw HTTP only: the keys of the JSON error body (`Type`, `Message`/`message`, `Reason`...). */
  body?: string[];
  /** The operation's output, as the SDKs model it, with masks (see masks.ts); the part at `select` if given. */
  output?: unknown;
  /** Compare only the keys `output` names (default: the field set must be equal). */
  partial?: boolean;
  /**
   * The lines of the base64 LogResult (Invoke with LogType Tail), REPORT lines left out as the recordings
   * leave them out (their durations vary); `LogResult` itself is then masked in `output`.
   */
  tail?: string[];
}

export type Wait = 'function-ready' | 'provisioned-ready' | 'esm-enabled' | 'esm-deleted' | 'stream-active';

export interface Step {
  op: string;
  /** The service of the operation, when not the file's (an SQS queue made for a Lambda mapping). */
  service?: Service;
  input: Record<string, unknown>;
  /** Only over these transports (a recording that used another client for this one step). */
  transports?: Transport[];
  /** The recorded-content key this step's answer was recorded under (absent: a setup step). */
  snapshot?: string;
  expect?: Expectation;
  /** Values of the answer kept for later steps: variable name → dotted path in the output. */
  save?: Record<string, string>;
  /** The recording kept one part of the answer (`StreamDescription.Shards`): only that part is compared. */
  select?: string;
  /** Lists compared in a fixed order: list member → the field to sort by (the recordings sorted them). */
  sort?: Record<string, string>;
  /**
   * Lists of the whole account (ListFunctions, ListEventSourceMappings): keep only the items whose field
   * holds one of this run's names (or an ARN ending in one), following NextMarker through every page first
   * (list member → field).
   */
  keep?: Record<string, string>;
  /**
   * Poll before the next step, as AWS's waiters and the recorded tests do between steps: until the
   * function settles (State and LastUpdateStatus), its provisioned concurrency (FunctionName +
   * Qualifier) is READY, a mapping (UUID of the answer or the input) is Enabled or gone, a stream is ACTIVE.
   */
  wait?: Wait;
  /** Why the step's expectation differs from the recording (the newer model, a masked value...). */
  note?: string;
}

export interface Scenario {
  /** The recorded test: `Class::test_name[params]`. */
  test: string;
  /** The snapshot's `recorded-date`, as YYYY-MM-DD. */
  recorded: string;
  /** Names generated fresh per run (`${fn}` in values). */
  names?: string[];
  /** Which transports run it (default: the service's own). */
  transports?: Transport[];
  steps: Step[];
}

export interface CaseFile {
  file: string;
  service: Service;
  source: Provenance;
  scenarios: Scenario[];
}

const TRANSPORTS: Record<Service, Transport[]> = { lambda: ['http', 'sdk'], sqs: ['http', 'sdk'], kinesis: ['http', 'sdk'], dynamodbstreams: ['http', 'sdk'] };

export const transportsOf = (file: CaseFile, s: Scenario): Transport[] => s.transports ?? TRANSPORTS[file.service];

/** Recorded steps (the cases) of a scenario. */
export const casesOf = (s: Scenario): Step[] => s.steps.filter((st) => st.snapshot !== undefined);

function fail(file: string, where: string, what: string): never {
  throw new Error(`${file}: ${where}: ${what}`);
}

function checkStep(file: string, where: string, st: Step): void {
  if (typeof st.op !== 'string' || !/^[A-Z][A-Za-z0-9]+$/.test(st.op)) fail(file, where, `op must be an operation name, got ${String(st.op)}`);
  if (typeof st.input !== 'object' || st.input === null) fail(file, where, 'input must be a map');
  if ((st.snapshot === undefined) !== (st.expect === undefined)) fail(file, where, 'snapshot and expect go together');
  if (st.expect && !Number.isInteger(st.expect.status)) fail(file, where, 'expect.status must be an integer');
  const known = new Set(['op', 'service', 'transports', 'input', 'snapshot', 'expect', 'save', 'select', 'sort', 'keep', 'wait', 'note']);
  for (const k of Object.keys(st)) if (!known.has(k)) fail(file, where, `unknown step key ${k}`);
  if (st.expect) {
    const keys = new Set(['status', 'error', 'code', 'fault', 'message', 'validation', 'body', 'output', 'partial', 'tail']);
    for (const k of Object.keys(st.expect)) if (!keys.has(k)) fail(file, where, `unknown expect key ${k}`);
  }
}

export function checkCaseFile(file: string, raw: unknown): CaseFile {
  const f = raw as CaseFile;
  if (!f || typeof f !== 'object') fail(file, 'top', 'not a map');
  if (!['lambda', 'sqs', 'kinesis', 'dynamodbstreams'].includes(f.service)) fail(file, 'service', String(f.service));
  for (const k of ['repository', 'commit', 'snapshot', 'test'] as const) {
    if (typeof f.source?.[k] !== 'string') fail(file, 'source', `missing ${k}`);
  }
  if (!Array.isArray(f.scenarios) || f.scenarios.length === 0) fail(file, 'scenarios', 'none');
  const seen = new Set<string>();
  for (const s of f.scenarios) {
    if (typeof s.test !== 'string') fail(file, 'scenario', 'test missing');
    if (seen.has(s.test)) fail(file, s.test, 'duplicate scenario');
    seen.add(s.test);
    if (!/^\d{4}-\d\d-\d\d$/.test(String(s.recorded))) fail(file, s.test, 'recorded must be YYYY-MM-DD');
    if (!Array.isArray(s.steps) || casesOf(s).length === 0) fail(file, s.test, 'no recorded step');
    const keys = new Set<string>();
    s.steps.forEach((st, i) => {
      checkStep(file, `${s.test} step ${i + 1}`, st);
      if (st.snapshot !== undefined) {
        const key = `${st.snapshot}`;
        if (keys.has(key)) fail(file, s.test, `snapshot key ${key} used twice`);
        keys.add(key);
      }
    });
  }
  return { ...f, file };
}

export const CASES_DIR = new URL('../cases/', import.meta.url);

export function loadCaseFiles(dir: URL = CASES_DIR): CaseFile[] {
  return readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort().map((n) => {
    const text = readFileSync(join(dir.pathname, n), 'utf8');
    return checkCaseFile(n, parse(text, { merge: true }));
  });
}
