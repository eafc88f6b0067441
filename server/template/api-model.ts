// The HTTP front door as a template declares it: API Gateway REST and HTTP APIs (their stage, routes,
// authorizers, CORS) and Lambda function URLs. Plain data built by template/apis.ts; the front door serves it.
import { createHash } from 'node:crypto';

export type ApiKind = 'REST' | 'HTTP';
export type PayloadFormat = '1.0' | '2.0';

export interface CorsConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  /** Seconds; undefined leaves Access-Control-Max-Age out. */
  maxAge?: number;
}

/** A Lambda function a route or an authorizer runs: name and optional qualifier (alias or version). */
export interface FunctionTarget {
  name: string;
  qualifier?: string;
}

export interface RouteDefinition {
  /** `GET`, `POST`, ... or `ANY`; `$default` routes have method `ANY` and path `$default`. */
  method: string;
  /** `/pets/{id}`, `/{proxy+}`, or `$default` (HTTP API). */
  path: string;
  target: FunctionTarget;
  /** REST APIs: always 1.0. HTTP APIs: 2.0 unless configured. */
  payloadFormat: PayloadFormat;
  /** API Gateway's integration timeout (REST 50–29,000 ms; HTTP API 50–30,000 ms). */
  timeoutMs: number;
  /** Authorizer name, `AWS_IAM`, or undefined / `NONE` for none. */
  authorizer?: string;
  authorizationScopes?: string[];
  /** Where the route comes from, for messages (`Fn.Events.GetPets`, `MyApi.DefinitionBody`). */
  origin: string;
}

export type AuthorizerType = 'TOKEN' | 'REQUEST' | 'JWT' | 'COGNITO_USER_POOLS';

export interface AuthorizerDefinition {
  name: string;
  type: AuthorizerType;
  /** The Lambda authorizer's function (TOKEN / REQUEST). */
  target?: FunctionTarget;
  /**
   * Normalised identity sources: `header:<name>`, `query:<name>`, `stage:<name>`, `context:<name>`
   * (header names lower-cased).
   */
  identitySources: string[];
  /** Result cache TTL in seconds; 0 disables caching. */
  ttlSeconds: number;
  /** TOKEN: a regular expression the token must match (else 401 without invoking). */
  validationExpression?: string;
  /** HTTP API Lambda authorizers: the event format (REST authorizers: 1.0). */
  payloadFormat: PayloadFormat;
  /** HTTP API 2.0 authorizers may answer `{isAuthorized, context}`. */
  simpleResponses: boolean;
  /** JWT / Cognito: accepted issuer and audiences (empty: not checked). */
  issuer?: string;
  audience?: string[];
}

export interface ApiDefinition {
  /** Logical id (`ServerlessRestApi` / `ServerlessHttpApi` for SAM's implicit APIs). */
  logicalId: string;
  /** API Gateway's id: 10 characters [a-z0-9], derived from the logical id (stable across restarts). */
  id: string;
  kind: ApiKind;
  /** REST: the stage name (first path segment). HTTP: `$default` or a named stage. */
  stage: string;
  stageVariables: Record<string, string>;
  /** REST: request bodies of these types arrive base64 (and responses may be decoded). */
  binaryMediaTypes: string[];
  /** HTTP API CorsConfiguration, or REST's SAM `Cors` (OPTIONS answered like SAM's mock integration). */
  cors?: CorsConfig;
  authorizers: Record<string, AuthorizerDefinition>;
  routes: RouteDefinition[];
}

export type InvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

export interface FunctionUrlDefinition {
  target: FunctionTarget;
  authType: 'NONE' | 'AWS_IAM';
  cors?: CorsConfig;
  invokeMode: InvokeMode;
  origin: string;
}

export interface FrontDoorDefinition {
  apis: ApiDefinition[];
  functionUrls: FunctionUrlDefinition[];
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

function derivedId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += BASE36[digest[i] % 36];
  return out;
}

/** API Gateway's id for the API of a template's logical id (10 characters, as AWS's). */
export const apiIdOf = (logicalId: string): string => derivedId(`api:${logicalId}`, 10);

/** The id `!GetAtt Api.RootResourceId` gives (REST APIs). */
export const rootResourceIdOf = (logicalId: string): string => derivedId(`root:${logicalId}`, 10);

/** A function URL's id (32 characters [a-z0-9], as AWS's), derived from the function and qualifier. */
export const urlIdOf = (functionName: string, qualifier?: string): string =>
  derivedId(`url:${functionName}:${qualifier ?? ''}`, 32);
