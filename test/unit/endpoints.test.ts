// Where a function's AWS SDK calls go (environment/sdk-endpoints.ts) and what a service ephemera does
// not emulate answers (http/not-emulated.ts): AWS-shaped for each protocol, naming the flag to use.
import { describe, expect, it } from 'vitest';
import { endpointServiceId, endpointVars, endpointsLine, sdkEndpointVars } from '../../server/environment/sdk-endpoints.ts';
import { notEmulatedReply, signingName } from '../../server/http/not-emulated.ts';

const URL = 'http://127.0.0.1:3001';
const sign = (service: string): string => `AWS4-HMAC-SHA256 Credential=AKIAEPHEMERALOCAL000/20261205/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

describe('endpoint variables', () => {
  it('the emulated services go to the emulator, every other one to the "not emulated" answer', () => {
    expect(sdkEndpointVars({ url: URL, sdkEndpoints: true, flags: {}, hostEnv: {} })).toEqual({
      AWS_ENDPOINT_URL: `${URL}/_ephemera/not-emulated`,
      AWS_ENDPOINT_URL_LAMBDA: URL, AWS_ENDPOINT_URL_SQS: URL, AWS_ENDPOINT_URL_SNS: URL, AWS_ENDPOINT_URL_KINESIS: URL,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: URL, AWS_ENDPOINT_URL_EVENTBRIDGE: URL, AWS_ENDPOINT_URL_SCHEDULER: URL,
    });
  });
  it.each([
    // [the SigV4 signing name a client signs with, the service id its endpoint variable is named after]
    ['lambda', 'LAMBDA'], ['sqs', 'SQS'], ['sns', 'SNS'], ['kinesis', 'KINESIS'], ['dynamodb-streams', 'DYNAMODB_STREAMS'],
    ['events', 'EVENTBRIDGE'], ['scheduler', 'SCHEDULER'],
  ])('a function\'s %s calls reach the emulator (AWS_ENDPOINT_URL_%s), not the "not emulated" answer', (name, id) => {
    const vars = endpointVars({ url: URL, sdkEndpoints: true, flags: {}, hostEnv: {} });
    expect(endpointServiceId(name)).toBe(id);
    expect(vars[`AWS_ENDPOINT_URL_${id}`]).toEqual({ url: URL, from: 'emulator' });
  });
  it('--endpoint-url wins over the environment, which wins over the defaults; --sdk-endpoints=false keeps only what the user named', () => {
    const vars = endpointVars({
      url: URL, sdkEndpoints: true, flags: { DYNAMODB: 'http://localhost:8000' },
      hostEnv: { AWS_ENDPOINT_URL_DYNAMODB: 'http://elsewhere:1', AWS_ENDPOINT_URL_S3: 'http://minio:9000', AWS_ENDPOINT_URL_SQS: 'http://elasticmq:9324', HOME: '/root', AWS_ENDPOINT_URL_: 'x' },
    });
    expect(vars.AWS_ENDPOINT_URL_DYNAMODB).toEqual({ url: 'http://localhost:8000', from: '--endpoint-url' });
    expect(vars.AWS_ENDPOINT_URL_S3).toEqual({ url: 'http://minio:9000', from: 'environment' });
    expect(vars.AWS_ENDPOINT_URL_SQS).toEqual({ url: 'http://elasticmq:9324', from: 'environment' });
    expect(vars.HOME).toBeUndefined();
    expect(vars.AWS_ENDPOINT_URL_).toBeUndefined();
    expect(sdkEndpointVars({ url: URL, sdkEndpoints: false, flags: { S3: 'http://minio:9000' }, hostEnv: {} })).toEqual({ AWS_ENDPOINT_URL_S3: 'http://minio:9000' });
    expect(sdkEndpointVars({ url: URL, sdkEndpoints: true, flags: {}, hostEnv: { AWS_ENDPOINT_URL: 'http://localstack:4566' } }).AWS_ENDPOINT_URL).toBe('http://localstack:4566');
  });
  it('one start-up line when the user named endpoints', () => {
    expect(endpointsLine({ url: URL, sdkEndpoints: true, flags: {}, hostEnv: {} })).toBeUndefined();
    expect(endpointsLine({ url: URL, sdkEndpoints: true, flags: { DYNAMODB: 'http://localhost:8000' }, hostEnv: {} }))
      .toBe('functions\' AWS calls: DYNAMODB → http://localhost:8000 (--endpoint-url); any other service answers "not emulated" (--endpoint-url <service>=<url> gives it one)');
  });
  it.each([
    ['dynamodb', 'DYNAMODB'], ['s3', 'S3'], ['secretsmanager', 'SECRETS_MANAGER'], ['Secrets Manager', 'SECRETS_MANAGER'],
    ['secrets-manager', 'SECRETS_MANAGER'], ['events', 'EVENTBRIDGE'], ['states', 'SFN'], ['logs', 'CLOUDWATCH_LOGS'], ['cognito-idp', 'COGNITO_IDENTITY_PROVIDER'],
  ])('%s → AWS_ENDPOINT_URL_%s', (name, id) => expect(endpointServiceId(name)).toBe(id));
});

describe('the "not emulated" answer', () => {
  it('reads the service from the SigV4 credential scope', () => {
    expect(signingName(sign('dynamodb'))).toBe('dynamodb');
    expect(signingName('Bearer x')).toBeUndefined();
  });
  it('JSON protocols: a JSON error with x-amzn-ErrorType, naming the service, the call and the flag', () => {
    const r = notEmulatedReply({ method: 'POST', authorization: sign('dynamodb'), contentType: 'application/x-amz-json-1.0', target: 'DynamoDB_20120810.PutItem' });
    expect(r.status).toBe(501);
    expect(r.headers['x-amzn-errortype']).toBe('NotImplemented');
    const body = JSON.parse(r.body) as { __type: string; message: string };
    expect(body.__type).toBe('NotImplemented');
    expect(body.message).toBe('ephemera does not emulate dynamodb (DynamoDB_20120810.PutItem): give the functions an endpoint for it with --endpoint-url dynamodb=<url> (e.g. DynamoDB Local: --endpoint-url dynamodb=http://localhost:8000), or set AWS_ENDPOINT_URL_DYNAMODB in the function\'s Environment');
  });
  it('Query protocol: ErrorResponse XML; S3: Error XML; unsigned: named by its target', () => {
    const query = notEmulatedReply({ method: 'POST', authorization: sign('email'), contentType: 'application/x-www-form-urlencoded', action: 'SendEmail' });
    expect(query.body).toMatch(/^<ErrorResponse><Error><Type>Sender<\/Type><Code>NotImplemented<\/Code><Message>ephemera does not emulate email \(SendEmail\): .*AWS_ENDPOINT_URL_SES.*<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
    const s3 = notEmulatedReply({ method: 'PUT', authorization: sign('s3') });
    expect(s3.body).toMatch(/<Error><Code>NotImplemented<\/Code><Message>ephemera does not emulate s3: .*MinIO.*<\/Message>/);
    expect(s3.headers['content-type']).toBe('application/xml');
    const unsigned = JSON.parse(notEmulatedReply({ method: 'POST', contentType: 'application/x-amz-json-1.1', target: 'AWSCognitoIdentityService.GetId' }).body) as { message: string };
    expect(unsigned.message).toMatch(/^ephemera does not emulate this service \(AWSCognitoIdentityService\.GetId\): .*--endpoint-url <service>=<url>/);
  });
});
