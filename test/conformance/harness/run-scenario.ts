// Runs one scenario over one transport: fresh names, setup steps through the SDK, recorded steps
// through the transport under test, each answer compared with what AWS recorded. Returns every
// difference (an empty list is a pass) and how many recorded cases ran.
import type { CaseFile, Expectation, Scenario, Service, Step, Transport, Wait } from './case-file.ts';
import { compare } from './compare.ts';
import { jsonRpcRequest, kinesisObservation } from './json-rpc-wire.ts';
import { lambdaObservation, lambdaRequest } from './lambda-wire.ts';
import { Bindings } from './masks.ts';
import { type Observation, send } from './observation.ts';
import type { SdkTransport } from './sdk-transport.ts';
import { jsonRpcObservation, queryObservation, sqsJsonRequest, sqsQueryRequest } from './sqs-wire.ts';
import { freshName, pick, resolve, type RunContext } from './vars.ts';

export interface Harness {
  url: string;
  account: string;
  region: string;
  sdk: SdkTransport;
  zip(name: string): Buffer;
}

async function viaWire(h: Harness, service: Service, transport: Transport, op: string, input: Record<string, unknown>): Promise<Observation> {
  if (transport === 'query') return queryObservation(await send(h.url, sqsQueryRequest(op, input)));
  switch (service) {
    case 'lambda': return lambdaObservation(op, await send(h.url, lambdaRequest(op, input)));
    case 'sqs': return jsonRpcObservation(await send(h.url, sqsJsonRequest(op, input)));
    case 'kinesis': return kinesisObservation(await send(h.url, jsonRpcRequest('kinesis', op, input)));
    case 'dynamodbstreams': return jsonRpcObservation(await send(h.url, jsonRpcRequest('dynamodbstreams', op, input)));
  }
}

/** The request that tells whether a wait is over, and the test on its answer. */
function probe(kind: Wait, input: Record<string, unknown>, output: Record<string, unknown>): [Service, string, Record<string, unknown>, (o: Observation) => boolean] {
  const uuid = output.UUID ?? input.UUID;
  switch (kind) {
    case 'function-ready':
      return ['lambda', 'GetFunctionConfiguration', { FunctionName: input.FunctionName }, (o) => !o.error && o.output?.State !== 'Pending' && o.output?.LastUpdateStatus !== 'InProgress'];
    case 'provisioned-ready':
      return ['lambda', 'GetProvisionedConcurrencyConfig', { FunctionName: input.FunctionName, Qualifier: input.Qualifier }, (o) => o.output?.Status === 'READY'];
    case 'esm-enabled':
      return ['lambda', 'GetEventSourceMapping', { UUID: uuid }, (o) => o.output?.State === 'Enabled'];
    case 'esm-deleted':
      return ['lambda', 'GetEventSourceMapping', { UUID: uuid }, (o) => o.status === 404];
    case 'stream-active':
      return ['kinesis', 'DescribeStreamSummary', { StreamName: input.StreamName }, (o) => (o.output?.StreamDescriptionSummary as { StreamStatus?: string } | undefined)?.StreamStatus === 'ACTIVE'];
  }
}

/** Poll (up to 10 s: provisioned environments start real runtimes) until the wait is over. */
async function settle(h: Harness, kind: Wait, input: Record<string, unknown>, output: Record<string, unknown>): Promise<string | undefined> {
  const [service, op, request, done] = probe(kind, input, output);
  let last: Observation | undefined;
  for (let i = 0; i < 500; i++) {
    last = await h.sdk.run(service, op, request);
    if (done(last)) return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
  return `waited in vain for ${kind}: ${JSON.stringify(last?.error ?? last?.output)}`;
}

/** Every page of a Marker/NextMarker list, concatenated under `list`. */
async function allPages(first: Observation, list: string, next: (marker: string) => Promise<Observation>): Promise<Observation> {
  let obs = first;
  const items = [...((obs.output?.[list] as unknown[]) ?? [])];
  while (!obs.error && typeof obs.output?.NextMarker === 'string') {
    obs = await next(obs.output.NextMarker);
    items.push(...((obs.output?.[list] as unknown[]) ?? []));
  }
  return obs.error ? obs : { ...first, output: { ...first.output, [list]: items, NextMarker: undefined } };
}

/**
 * The recording's view of a list: only this run's items (`keep`: the field is one of the scenario's
 * names, one of them followed by `-...`, or an ARN ending in `:name`), in the recording's order (`sort`).
 */
function shape(obs: Observation, step: Step, names: string[]): Observation {
  if (!obs.output) return obs;
  const output = { ...obs.output };
  const ours = (v: unknown): boolean => names.some((n) => v === n || String(v).startsWith(`${n}-`) || String(v).endsWith(`:${n}`));
  for (const [list, field] of Object.entries(step.keep ?? {})) {
    output[list] = ((output[list] as Record<string, unknown>[]) ?? []).filter((item) => ours(item[field]));
  }
  for (const [list, field] of Object.entries(step.sort ?? {})) {
    const key = (x: Record<string, unknown>): string => String(x[field]);
    if (Array.isArray(output[list])) output[list] = [...(output[list] as Record<string, unknown>[])].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return { ...obs, output };
}

export async function runScenario(file: CaseFile, s: Scenario, transport: Transport, h: Harness): Promise<string[]> {
  const ctx: RunContext = { account: h.account, region: h.region, url: h.url, vars: new Map(), zip: h.zip };
  for (const n of s.names ?? []) ctx.vars.set(n, freshName(n, transport));
  const bindings = new Bindings();
  const out: string[] = [];
  for (const [i, step] of s.steps.entries()) {
    if (step.transports && !step.transports.includes(transport)) continue;
    const where = step.snapshot ? `[${step.snapshot}] ${step.op}` : `setup step ${i + 1} ${step.op}`;
    const service = step.service ?? file.service;
    const input = resolve(step.input, ctx) as Record<string, unknown>;
    // Setup steps go through the SDK; recorded steps through the transport under test.
    const call = (inp: Record<string, unknown>): Promise<Observation> => (step.expect && transport !== 'sdk'
      ? viaWire(h, service, transport, step.op, inp)
      : h.sdk.run(service, step.op, inp));
    let obs = await call(input);
    // The rest of the account's list in full pages: the recording's page size holds for the first, and the
    // emulator holds every concurrent scenario's functions (hundreds of one-item pages otherwise).
    for (const list of Object.keys(step.keep ?? {})) obs = await allPages(obs, list, (marker) => call({ ...input, Marker: marker, MaxItems: 50 }));
    obs = shape(obs, step, (s.names ?? []).map((n) => ctx.vars.get(n) ?? n));
    if (step.expect) {
      const exp = resolve(step.expect, ctx) as Expectation;
      out.push(...compare(exp, obs, transport, bindings, step.select).map((d) => `${where}: ${d}`));
    } else if (obs.error) {
      out.push(`${where} failed: ${obs.error.type ?? obs.error.code}: ${obs.error.message}`);
      return out;
    }
    for (const [name, path] of Object.entries(step.save ?? {})) {
      const v = pick(obs.output, path);
      if (v === undefined) {
        out.push(`${where}: nothing at ${path} to save as \${${name}}`);
        return out;
      }
      ctx.vars.set(name, String(v));
    }
    if (step.wait) {
      const stuck = await settle(h, step.wait, input, obs.output ?? {});
      if (stuck) out.push(`${where}: ${stuck}`);
    }
  }
  return out;
}
