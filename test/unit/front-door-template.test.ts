// APIs from OpenAPI definitions and plain CloudFormation (server/template/apis.ts, cfn-apis.ts):
// routes, stages, authorizers, and the one warning about integrations that are not Lambda proxies.
import { describe, expect, it } from 'vitest';
import { frontDoorDefinition } from '../../server/template/apis.ts';
import { apiIdOf } from '../../server/template/api-model.ts';
import { loadTemplate } from '../../server/template/load-template.ts';
import { fixture } from '../helpers/emulator.ts';

describe('APIs without SAM events', () => {
  const template = loadTemplate(fixture('templates/front-door-cfn.yaml'), { region: 'us-east-1', accountId: '000000000000' });
  const { definition, warnings } = frontDoorDefinition(template);
  const api = (id: string) => definition.apis.find((a) => a.logicalId === id)!;

  it('stores API Gateway resources without "not supported" warnings', () => {
    expect(template.warnings).toEqual([]);
  });

  it('OpenAPI DefinitionBody: aws_proxy routes, their authorizer and timeout; one warning for the mock method', () => {
    expect(api('OpenApi')).toMatchObject({ kind: 'REST', stage: 'v1', binaryMediaTypes: ['application/octet-stream'] });
    expect(api('OpenApi').routes).toEqual([{ method: 'GET', path: '/things/{id}', target: { name: 'cfn-app' }, payloadFormat: '1.0', timeoutMs: 1000, origin: 'OpenApi.DefinitionBody', authorizer: 'Tok' }]);
    expect(api('OpenApi').authorizers.Tok).toMatchObject({ type: 'TOKEN', ttlSeconds: 0, identitySources: ['header:authorization'], target: { name: 'cfn-app' } });
    expect(warnings).toEqual([{ resource: 'OpenApi', message: expect.stringMatching(/^1 method not served: only Lambda proxy .*\(GET \/mock \(mock integration\)\)$/) }]);
  });

  it('AWS::ApiGateway::*: the resource tree, the stage and its variables', () => {
    expect(api('Rest')).toMatchObject({ id: apiIdOf('Rest'), kind: 'REST', stage: 'live', stageVariables: { v: '1' } });
    expect(api('Rest').routes.map((r) => `${r.method} ${r.path} → ${r.target.name}`)).toEqual(['GET /users/{id} → cfn-app']);
  });

  it('AWS::ApiGatewayV2::*: routes through integrations, and quick create', () => {
    expect(api('Http').routes.map((r) => `${r.method} ${r.path} ${r.payloadFormat}`)).toEqual(['POST /orders 2.0']);
    expect(api('Http').stage).toBe('$default');
    expect(api('Quick').routes.map((r) => r.path)).toEqual(['$default']);
  });
});
