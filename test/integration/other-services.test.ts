// A function's calls to services ephemera does not emulate, with the real AWS SDK for JavaScript v3
// (the nested STS, Cognito Identity and SSO clients ephemera carries, found through the runtime's
// @aws-sdk/* fallback) and a local HTTP server standing in for the service (as DynamoDB Local or MinIO
// would): --endpoint-url, an AWS_ENDPOINT_URL_<SERVICE> of the emulator's own environment passed
// through, one an --env-vars file adds (the template does not declare it), and with no endpoint at all a
// clear "not emulated" service error at once instead of a call to AWS that hangs until the timeout.
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { type Project, makeProject } from '../helpers/project.ts';

const HANDLER = `import { STSClient, AssumeRoleCommand } from '@aws-sdk/nested-clients/sts';
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/nested-clients/cognito-identity';
import { SSOClient, GetRoleCredentialsCommand } from '@aws-sdk/nested-clients/sso';

const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY, sessionToken: process.env.AWS_SESSION_TOKEN };
const calls = {
  sts: () => new STSClient({ credentials }).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 's' })),
  cognito: () => new CognitoIdentityClient({}).send(new GetIdCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' })),
  sso: () => new SSOClient({}).send(new GetRoleCredentialsCommand({ roleName: 'r', accountId: '000000000000', accessToken: 't' })),
};

export const handler = async (event) => {
  try {
    const { $metadata, ...out } = await calls[event.service]();
    return { ok: true, out };
  } catch (err) {
    return { ok: false, name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, attempts: err.$metadata?.attempts };
  }
};
`;

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: { Runtime: nodejs24.x, Handler: index.handler, CodeUri: fn, Timeout: 20 }
Resources:
  Plain:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: plain }
  ViaFile:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: via-file }
`;

describe('services ephemera does not emulate', () => {
  let project: Project;
  let em: TestEmulator;
  let stub: Server;
  const seen: Array<{ target?: string; path: string; body: string }> = [];
  const log = capturingLogger();
  const call = async (fn: string, service: string): Promise<Record<string, unknown>> => (await em.invoke(fn, { service })).json() as Record<string, unknown>;

  beforeAll(async () => {
    stub = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
        const target = req.headers['x-amz-target'] as string | undefined;
        seen.push({ target, path: req.url ?? '', body });
        if (target === 'AWSCognitoIdentityService.GetId') {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ IdentityId: 'us-east-1:from-the-stub' }));
        } else if (body.includes('Action=AssumeRole')) {
          res.writeHead(200, { 'content-type': 'text/xml' }).end('<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>AKIAFROMTHESTUB</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>');
        } else if (req.url?.startsWith('/federation/credentials')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ roleCredentials: { accessKeyId: 'AKIASSOSTUB', secretAccessKey: 's', sessionToken: 't', expiration: 1893456000000 } }));
        } else {
          res.writeHead(404).end();
        }
      });
    });
    const url = await new Promise<string>((resolve) => stub.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(stub.address() as { port: number }).port}`)));
    project = makeProject('other-services', {
      'template.yaml': TEMPLATE,
      'fn/index.mjs': HANDLER,
      'env.json': JSON.stringify({ ViaFile: { AWS_ENDPOINT_URL_STS: url } }),
    });
    process.env.AWS_ENDPOINT_URL_SSO = url;
    em = await startEmulator(project.path('template.yaml'), { endpointUrls: { COGNITO_IDENTITY: url }, envVars: project.path('env.json') }, { logger: log.logger });
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_SSO;
    expect(await em?.stopChecked()).toEqual([]);
    await new Promise((r) => stub.close(r));
    project.remove();
  });

  it('with no endpoint: a "not emulated" service error at once, naming the flag, not retried', async () => {
    const sts = await call('plain', 'sts');
    expect(sts).toMatchObject({ ok: false, name: 'NotImplemented', status: 501, attempts: 1 });
    expect(sts.message).toBe("ephemera does not emulate sts (AssumeRole): give the functions an endpoint for it with --endpoint-url sts=<url>, or set AWS_ENDPOINT_URL_STS in the function's Environment");
    expect(seen.filter((r) => r.body.includes('AssumeRole'))).toEqual([]);
  });

  it('--endpoint-url gives every function the service\'s endpoint', async () => {
    expect(await call('plain', 'cognito')).toEqual({ ok: true, out: { IdentityId: 'us-east-1:from-the-stub' } });
    expect(seen.some((r) => r.target === 'AWSCognitoIdentityService.GetId')).toBe(true);
    expect(log.messages.some((m) => m.msg.startsWith("functions' AWS calls: ") && m.msg.includes('COGNITO_IDENTITY → http://127.0.0.1:'))).toBe(true);
  });

  it("the emulator's own AWS_ENDPOINT_URL_<SERVICE> is passed through", async () => {
    expect(await call('plain', 'sso')).toMatchObject({ ok: true, out: { roleCredentials: { accessKeyId: 'AKIASSOSTUB' } } });
  });

  it('an --env-vars file adds an endpoint variable the template does not declare', async () => {
    expect(await call('via-file', 'sts')).toMatchObject({ ok: true, out: { Credentials: { AccessKeyId: 'AKIAFROMTHESTUB' } } });
    expect(log.messages.some((m) => m.msg.startsWith('--env-vars: AWS_ENDPOINT_URL_STS added to ViaFile'))).toBe(true);
  });
});
