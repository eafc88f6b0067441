// The durable hello world `sam init` generates (nodejs24.x TypeScript: AutoPublishAlias Live,
// DurableConfig, an Api event, esbuild Metadata) run unchanged: invoked like `sam local invoke` with its
// own event, called through its API like `sam local start-api`, inspected with the AWS SDK.
import { readFileSync } from 'node:fs';
import {
  GetDurableExecutionCommand, GetDurableExecutionHistoryCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient,
  ListDurableExecutionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { linkNodeModules } from '../helpers/durable.ts';
import { fixture } from '../helpers/emulator.ts';
import { curl, type FrontDoorEmulator, startFrontDoor } from '../helpers/front-door.ts';

const app = fixture('apps', 'sam-hello-durable-ts');
let em: FrontDoorEmulator;
let lambda: LambdaClient;

beforeAll(async () => {
  linkNodeModules(`${app}/hello-world`);
  em = await startFrontDoor(`${app}/template.yaml`);
  lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
}, 30_000);

afterAll(async () => {
  lambda?.destroy();
  if (em) expect(await em.stopChecked()).toEqual([]);
});

describe('sam init durable hello world (TypeScript)', () => {
  test('DurableConfig as the template sets it', async () => {
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'HelloWorldFunction', Qualifier: 'Live' }));
    expect(config.DurableConfig).toEqual({ ExecutionTimeout: 900, RetentionPeriodInDays: 7 });
    expect(config.Version).toBe('1');
  });

  test('invoked with its event (sam local invoke), the whole execution answers', async () => {
    const out = await lambda.send(new InvokeCommand({
      FunctionName: 'HelloWorldFunction', Qualifier: 'Live', Payload: readFileSync(`${app}/events/event.json`),
    }));
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe('1');
    expect(JSON.parse(Buffer.from(out.Payload!).toString())).toEqual({ statusCode: 200, body: JSON.stringify({ message: 'Hello, World!' }) });
    const arn = out.DurableExecutionArn!;
    expect((await lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe('SUCCEEDED');
    const types = (await lambda.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }))).Events!.map((e) => e.EventType);
    expect(types).toEqual(['ExecutionStarted', 'StepStarted', 'StepSucceeded', 'InvocationCompleted', 'ExecutionSucceeded']);
  }, 60_000);

  test('GET /hello through its API (sam local start-api)', async () => {
    const res = await curl([`${em.api('ServerlessRestApi')}hello`]);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ message: 'Hello, World!' });
    const listed = await lambda.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: 'HelloWorldFunction', Qualifier: 'Live' }));
    expect(listed.DurableExecutions?.length).toBe(2);
    expect(listed.DurableExecutions?.every((e) => e.Status === 'SUCCEEDED')).toBe(true);
  }, 60_000);
});
