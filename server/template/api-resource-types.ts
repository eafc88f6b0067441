// The API Gateway resource types the HTTP front door reads from a template (stored resolved by the loader).

export const SAM_API_TYPES: ReadonlySet<string> = new Set(['AWS::Serverless::Api', 'AWS::Serverless::HttpApi']);

export const API_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  ...SAM_API_TYPES,
  'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Authorizer',
  'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Authorizer',
]);

/** Types whose `Ref` is an API id. */
export const API_ID_TYPES: ReadonlySet<string> = new Set([
  ...SAM_API_TYPES, 'AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api',
]);
