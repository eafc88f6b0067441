// Function URLs with real clients: the configuration API through @aws-sdk/client-lambda (shapes,
// status codes and AWS's errors), the FunctionUrl it returns called from Node's fetch and curl (and by
// Host on the API port), AuthType AWS_IAM (unsigned 403, SigV4-signed 200), CORS, RESPONSE_STREAM.
import {
  CreateAliasCommand, CreateFunctionCommand, CreateFunctionUrlConfigCommand, DeleteAliasCommand, DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, LambdaClient, ListFunctionUrlConfigsCommand, PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { createHash, createHmac, type Hash as NodeHash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, type FrontDoorEmulator, startFrontDoor } from '../helpers/front-door.ts';
import { fixture } from '../helpers/emulator.ts';
import { zipOf } from '../helpers/zip.ts';

/** A response's JSON body, untyped (the tests read events field by field). */
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

let em: FrontDoorEmulator;
let lambda: LambdaClient;
beforeAll(async () => {
  em = await startFrontDoor(fixture('templates/front-door.yaml'));
  lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'y' }, maxAttempts: 1 });
}, 30_000);
afterAll(async () => {
  lambda.destroy();
  expect(await em.stopChecked()).toEqual([]);
});

/** The checksum constructor SignatureV4 takes (HMAC when given a secret), on node:crypto. */
class Sha256 {
  private readonly h: NodeHash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.h.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
}

const errorOf = async (p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> => {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected an error');
};

describe('function URL configuration API', () => {
  it('template URLs are there: Get shows AWS\'s shape with a URL that works from fetch and curl', async () => {
    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-app' }));
    expect(got).toMatchObject({
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:url-app', AuthType: 'NONE', InvokeMode: 'BUFFERED',
      FunctionUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/), CreationTime: expect.any(String), LastModifiedTime: expect.any(String),
    });
    const res = await fetch(`${got.FunctionUrl}some/path?x=1`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    const { event, requestId } = await json(res);
    expect(res.headers.get('x-amzn-requestid')).toBe(requestId);
    expect(event).toMatchObject({
      version: '2.0', routeKey: '$default', rawPath: '/some/path', rawQueryString: 'x=1', body: '{"a":1}', isBase64Encoded: false,
      requestContext: { accountId: 'anonymous', stage: '$default', routeKey: '$default', requestId, http: { method: 'POST', path: '/some/path' } },
    });
    expect(event.requestContext.apiId).toMatch(/^[a-z0-9]{32}$/);
    for (const key of ['pathParameters', 'stageVariables', 'authorizer']) expect(event).not.toHaveProperty(key);
    const viaCurl = await curl([`${got.FunctionUrl}hello`]);
    expect(viaCurl.status).toBe(200);
    // The same URL by Host on the API port, as AWS names it (curl and browsers resolve *.localhost).
    const hostUrl = em.doors.functionUrls.find((u) => u.function === 'url-app')!.hostUrl!;
    expect(hostUrl).toMatch(new RegExp(`^http://${event.requestContext.apiId}\\.lambda-url\\.us-east-1\\.localhost:\\d+/$`));
    expect((await curl([`${hostUrl}x`])).status).toBe(200);
  });

  it('Create / Update / List / Delete with AWS\'s status codes and echo rules', async () => {
    const version = await lambda.send(new PublishVersionCommand({ FunctionName: 'secure-app' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'secure-app', Name: 'live', FunctionVersion: version.Version }));
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'secure-app', Qualifier: 'live', AuthType: 'NONE', Cors: { AllowOrigins: ['*'] } }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({ FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:secure-app:live', AuthType: 'NONE', Cors: { AllowOrigins: ['*'] } });
    expect(created.InvokeMode).toBeUndefined();
    expect(created).not.toHaveProperty('LastModifiedTime');
    expect((await fetch(created.FunctionUrl!)).status).toBe(200);

    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'secure-app', Qualifier: 'live', InvokeMode: 'RESPONSE_STREAM' }));
    expect(updated).toMatchObject({ AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM', FunctionUrl: created.FunctionUrl });
    // A function that does not stream behind RESPONSE_STREAM: the raw result, uninterpreted.
    const raw = await fetch(`${created.FunctionUrl}?${`return=${encodeURIComponent('{"statusCode":201,"body":"x"}')}`}`);
    expect([raw.status, await raw.text()]).toEqual([200, '{"statusCode":201,"body":"x"}']);

    const list = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'secure-app' }));
    expect(list.FunctionUrlConfigs!.map((c) => [c.FunctionArn!.split(':').slice(-2).join(':'), c.AuthType])).toEqual([['function:secure-app', 'AWS_IAM'], ['secure-app:live', 'NONE']]);

    const deleted = await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'secure-app', Qualifier: 'live' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(await errorOf(fetch(created.FunctionUrl!))).toMatchObject({ name: 'TypeError' });
  });

  it('a URL configuration goes with its alias and with its function; a function made again has none', async () => {
    const version = await lambda.send(new PublishVersionCommand({ FunctionName: 'url-app' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'url-app', Name: 'brief', FunctionVersion: version.Version }));
    const aliasUrl = (await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-app', Qualifier: 'brief', AuthType: 'NONE' }))).FunctionUrl!;
    expect((await fetch(aliasUrl)).status).toBe(200);
    await lambda.send(new DeleteAliasCommand({ FunctionName: 'url-app', Name: 'brief' }));
    expect(await errorOf(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-app', Qualifier: 'brief' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(await errorOf(fetch(aliasUrl))).toMatchObject({ name: 'TypeError' }); // its port is closed
    expect((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-app' }))).AuthType).toBe('NONE'); // $LATEST's stays

    const create = new CreateFunctionCommand({
      FunctionName: 'short-lived', Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r',
      Code: { ZipFile: zipOf({ 'index.mjs': 'export const handler = async () => ({ statusCode: 200, body: "hi" });\n' }) },
    });
    await lambda.send(create);
    const url = (await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'short-lived', AuthType: 'NONE' }))).FunctionUrl!;
    expect(await (await fetch(url)).text()).toBe('hi');
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
    expect(await errorOf(fetch(url))).toMatchObject({ name: 'TypeError' });
    await lambda.send(create);
    expect(await errorOf(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'short-lived' })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect((await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'short-lived' }))).FunctionUrlConfigs).toEqual([]);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
  });

  it('AWS\'s errors', async () => {
    expect(await errorOf(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-app', AuthType: 'NONE' })))).toEqual({
      name: 'ResourceConflictException', status: 409,
      message: 'Failed to create function url config for [functionArn = arn:aws:lambda:us-east-1:000000000000:function:url-app]. Error message:  FunctionUrlConfig exists for this Lambda function',
    });
    expect(await errorOf(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'http-app' })))).toEqual({ name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' });
    expect(await errorOf(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'nope', AuthType: 'NONE' })))).toMatchObject({ name: 'ResourceNotFoundException', message: 'Function does not exist' });
    expect(await errorOf(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'http-app', Qualifier: '1', AuthType: 'NONE' })))).toEqual({
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)",
    });
    expect(await errorOf(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'http-app', AuthType: 'NONE', InvokeMode: 'UNKNOWN' as 'BUFFERED' })))).toMatchObject({
      name: 'ValidationException', message: "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]",
    });
    expect(await errorOf(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'http-app', AuthType: 'NONE', Cors: { MaxAge: 90000 } })))).toMatchObject({ name: 'ValidationException', status: 400 });
  });
});

describe('function URL requests', () => {
  it('AWS_IAM: an unsigned request gets AWS\'s 403, a SigV4-signed one runs with authorizer.iam', async () => {
    const url = em.functionUrl('secure-app');
    const unsigned = await fetch(url);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(await unsigned.text()).toBe('{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}');
    const signer = new SignatureV4({ service: 'lambda', region: 'us-east-1', credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'y' }, sha256: Sha256 as never });
    const target = new URL(url);
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: '/', headers: { host: target.host } });
    const res = await fetch(url, { headers: signed.headers });
    expect(res.status).toBe(200);
    const { event } = await json(res);
    expect(event.requestContext.authorizer.iam).toMatchObject({ accessKey: 'AKIDLOCAL', accountId: '000000000000' });
  });

  it('errors: 502 Internal Server Error for a function error', async () => {
    const res = await fetch(`${em.functionUrl('url-app')}?throw=1`);
    expect([res.status, await res.text()]).toEqual([502, 'Internal Server Error']);
  });

  it('CORS from the URL\'s configuration: preflight without invoking, headers on responses', async () => {
    const pre = await curl(['-X', 'OPTIONS', em.functionUrl('url-app'), '-H', 'Origin: http://app.localhost', '-H', 'Access-Control-Request-Method: POST']);
    expect(pre.status).toBe(200);
    expect(pre.headers['access-control-allow-methods']).toEqual(['GET,POST']);
    expect(pre.headers['access-control-max-age']).toEqual(['100']);
    const res = await fetch(em.functionUrl('url-app'), { headers: { origin: 'http://app.localhost' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.localhost');
  });

  it('a Python handler behind a URL', async () => {
    const res = await fetch(`${em.functionUrl('py-http')}p`);
    expect([res.status, res.headers.get('x-runtime')]).toEqual([201, 'python']);
  });
});
