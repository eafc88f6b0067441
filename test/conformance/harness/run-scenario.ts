// Runs one scenario over one transport: fresh names, setup steps through the SDK, recorded steps
// through the transport under test, each answer compared with what AWS recorded. Returns every
// difference (an empty list is a pass) and how many recorded cases ran.
import type { CaseFile, Expectation, Scenario, Service, Step, Transport } from './case-file.ts';
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

/** Poll until a function has settled (AWS's waiters do the same between recorded steps). */
async function settle(h: Harness, name: unknown): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const obs = await h.sdk.run('lambda', 'GetFunctionConfiguration', { FunctionName: name });
    const o = obs.output ?? {};
    if (obs.error) return `waiting for ${String(name)}: ${obs.error.type}`;
    if (o.State !== 'Pending' && o.LastUpdateStatus !== 'InProgress') return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
  return `function ${String(name)} did not settle`;
}

export async function runScenario(file: CaseFile, s: Scenario, transport: Transport, h: Harness): Promise<string[]> {
  const ctx: RunContext = { account: h.account, region: h.region, url: h.url, vars: new Map(), zip: h.zip };
  for (const n of s.names ?? []) ctx.vars.set(n, freshName(n, transport));
  const bindings = new Bindings();
  const out: string[] = [];
  for (const [i, step] of s.steps.entries()) {
    const where = step.snapshot ? `[${step.snapshot}] ${step.op}` : `setup step ${i + 1} ${step.op}`;
    const service = step.service ?? file.service;
    const input = resolve(step.input, ctx) as Record<string, unknown>;
    // Setup steps go through the SDK; recorded steps through the transport under test.
    const obs = step.expect && transport !== 'sdk'
      ? await viaWire(h, service, transport, step.op, input)
      : await h.sdk.run(service, step.op, input);
    if (step.expect) {
      const exp = resolve(step.expect, ctx) as Expectation;
      out.push(...compare(exp, obs, transport, bindings).map((d) => `${where}: ${d}`));
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
    if (step.wait === 'function-ready') {
      const stuck = await settle(h, input.FunctionName);
      if (stuck) out.push(`${where}: ${stuck}`);
    }
  }
  return out;
}
