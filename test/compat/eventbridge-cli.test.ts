// Debian's aws CLI (/usr/bin/aws events|scheduler ...) and boto3 (/usr/bin/python3) against the embedded
// EventBridge and Scheduler of a real emulator: rules, targets and PutEvents delivered to a queue and to a
// template function, TestEventPattern, schedules, AWS's error codes. (Debian's boto3 1.26 predates the
// AWS_ENDPOINT_URL_<SERVICE> variables, so it is given endpoint_url.)
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, waitFor, type TestEmulator } from '../helpers/emulator.ts';
import { type AwsCliSession, awsCliEnv, awsCliSession, type CliRun, runAwsCli, stopAndCheckOrphans } from './helpers.ts';

const AWS = '/usr/bin/aws';
const PYTHON = '/usr/bin/python3';
const noCli = existsSync(AWS) ? '' : `aws CLI EventBridge tests skipped: ${AWS} is not installed (apt-get install awscli)`;
let noBoto = '';
try {
  execFileSync(PYTHON, ['-c', 'import boto3'], { timeout: 20_000, env: { PATH: '/usr/bin:/bin' }, stdio: 'ignore' });
} catch (err) {
  noBoto = `boto3 EventBridge tests skipped: \`import boto3\` fails under ${PYTHON} (${(err as Error).message.split('\n')[0]})`;
}
for (const why of [noCli, noBoto]) if (why) console.warn(why);

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:order-copies';

let em: TestEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;
let session: AwsCliSession;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ephemera-events-cli-'));
  env = awsCliEnv(dir);
  session = awsCliSession();
  em = await startEmulator(fixture('templates/events.yaml'), { schedules: 'off' });
});
afterAll(async () => {
  await session?.close();
  if (em) await stopAndCheckOrphans(em);
  rmSync(dir, { recursive: true, force: true });
});

// Most commands run in one Python process (the CLI's start-up is most of a command's cost); the pattern
// and errors test runs the /usr/bin/aws executable itself.
const aws = (...args: string[]): Promise<CliRun> => session.run([...args, '--endpoint-url', em.url, '--output', 'json'], { env, cwd: dir });
const awsExecutable = (...args: string[]): Promise<CliRun> => runAwsCli([...args, '--endpoint-url', em.url, '--output', 'json'], { env, cwd: dir });

describe.skipIf(noCli !== '')('aws events / aws scheduler', { timeout: 120_000 }, () => {
  it('puts a rule and a queue target, and delivers a matching event', async () => {
    const rule = await aws('events', 'put-rule', '--name', 'cli-rule', '--event-pattern', '{"source":["cli"],"detail":{"n":[{"exists":true}]}}');
    expect(rule.json()).toEqual({ RuleArn: 'arn:aws:events:us-east-1:000000000000:rule/cli-rule' });
    expect((await aws('events', 'put-targets', '--rule', 'cli-rule', '--targets', `Id=q,Arn=${QUEUE}`)).json()).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    const put = await aws('events', 'put-events', '--entries', JSON.stringify([{ Source: 'cli', DetailType: 't', Detail: '{"n":1}' }, { Source: 'cli', DetailType: 't', Detail: '{"m":1}' }]));
    expect(put.json().FailedEntryCount).toBe(0);
    const got = await aws('sqs', 'receive-message', '--queue-url', `${em.url}/000000000000/order-copies`, '--max-number-of-messages', '10', '--wait-time-seconds', '2');
    const bodies = (got.json().Messages as Array<{ Body: string }>).map((m) => JSON.parse(m.Body));
    expect(bodies).toEqual([expect.objectContaining({ source: 'cli', 'detail-type': 't', detail: { n: 1 }, id: put.json().Entries[0].EventId })]);
    expect((await aws('events', 'list-rules', '--name-prefix', 'cli')).json().Rules).toEqual([{
      Name: 'cli-rule', Arn: 'arn:aws:events:us-east-1:000000000000:rule/cli-rule', EventPattern: '{"source":["cli"],"detail":{"n":[{"exists":true}]}}',
      State: 'ENABLED', EventBusName: 'default',
    }]);
  });

  it('routes an event on a template bus to a template function through its rule', async () => {
    const put = await aws('events', 'put-events', '--entries', JSON.stringify([{ EventBusName: 'orders', Source: 'app.orders', DetailType: 'OrderPlaced', Detail: '{"id":9,"amount":500}' }]));
    expect(put.code).toBe(0);
    await waitFor(() => em.lines.some((l) => l.fn === 'big-orders' && l.text.endsWith('\tEVENT {"order":9,"amount":500,"rule":"BigOrdersPlaced"}')), 10_000);
  });

  it('tests a pattern, and answers AWS\'s errors (the executable)', async () => {
    const event = JSON.stringify({ id: '1', source: 'cli', 'detail-type': 't', account: '1', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: { price: 12.5 } });
    const test = await awsExecutable('events', 'test-event-pattern', '--event-pattern', '{"detail":{"price":[{"numeric":[">",10,"<=",20]}]}}', '--event', event);
    expect(test.json()).toEqual({ Result: true });
    const missing = await awsExecutable('events', 'describe-rule', '--name', 'missing');
    expect(missing.code).toBe(254);
    expect(missing.stderr).toMatch(/An error occurred \(ResourceNotFoundException\) when calling the DescribeRule operation( \(reached max retries: 0\))?: Rule missing does not exist on EventBus default\./);
  });

  it('creates and reads a schedule', async () => {
    const made = await aws('scheduler', 'create-schedule', '--name', 'cli-s', '--schedule-expression', 'rate(1 hour)', '--flexible-time-window', 'Mode=OFF',
      '--target', `Arn=${QUEUE},RoleArn=arn:aws:iam::000000000000:role/r`);
    expect(made.json()).toEqual({ ScheduleArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/cli-s' });
    expect((await aws('scheduler', 'get-schedule', '--name', 'cli-s')).json()).toMatchObject({ Name: 'cli-s', State: 'ENABLED', ScheduleExpression: 'rate(1 hour)' });
    const again = await aws('scheduler', 'create-schedule', '--name', 'cli-s', '--schedule-expression', 'rate(1 hour)', '--flexible-time-window', 'Mode=OFF',
      '--target', `Arn=${QUEUE},RoleArn=arn:aws:iam::000000000000:role/r`);
    expect(again.stderr).toMatch(/\(ConflictException\) when calling the CreateSchedule operation.*: Schedule cli-s already exists\./);
  });
});

// Runs the scenario and prints one JSON object of observations.
const SCRIPT = `
import json, sys
import boto3, botocore.config
cfg = botocore.config.Config(retries={'max_attempts': 0})
opts = dict(endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y', config=cfg)
events = boto3.client('events', **opts)
scheduler = boto3.client('scheduler', **opts)
out = {}
events.put_rule(Name='py-rule', EventPattern=json.dumps({'source': [{'prefix': 'py.'}]}))
out['put'] = events.put_events(Entries=[{'Source': 'py.app', 'DetailType': 'x', 'Detail': '{}'}, {'Source': 'py.app', 'DetailType': 'x', 'Detail': 'nope'}])['Entries'][1]
out['rules'] = [r['Name'] for r in events.list_rules(NamePrefix='py')['Rules']]
try:
    events.describe_rule(Name='missing')
except events.exceptions.ResourceNotFoundException as e:
    out['missing'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
scheduler.create_schedule(Name='py-s', ScheduleExpression='at(2030-01-01T00:00:00)', ScheduleExpressionTimezone='Asia/Tokyo', FlexibleTimeWindow={'Mode': 'OFF'},
                          Target={'Arn': '${QUEUE}', 'RoleArn': 'arn:aws:iam::000000000000:role/r'})
s = scheduler.get_schedule(Name='py-s')
out['schedule'] = [s['Name'], s['ScheduleExpressionTimezone'], s['State']]
try:
    scheduler.get_schedule(Name='nope')
except scheduler.exceptions.ResourceNotFoundException as e:
    out['noSchedule'] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps(out))
`;

describe.skipIf(noBoto !== '')('boto3 events / scheduler', () => {
  it('puts events and rules, makes a schedule in a time zone, and gets modelled errors', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, ['-c', SCRIPT, em.url], {
        timeout: 60_000, encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true' },
      }, (err, out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(out)));
    });
    const out = JSON.parse(stdout);
    expect(out.put).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(out.rules).toEqual(['py-rule']);
    expect(out.missing).toEqual(['ResourceNotFoundException', 'Rule missing does not exist on EventBus default.', 400]);
    expect(out.schedule).toEqual(['py-s', 'Asia/Tokyo', 'ENABLED']);
    expect(out.noSchedule).toEqual(['ResourceNotFoundException', 404]);
  });
});
