// Where each API and function URL is served (the ready line, /_ephemera/health, the 404 hint, docs).
import type { ApiDefinition } from '../template/api-model.ts';
import type { FunctionUrlRecord } from './function-url-store.ts';

export interface FrontDoorDescription {
  apiPort: number | null;
  apis: Array<{ logicalId: string; id: string; kind: 'REST' | 'HTTP'; stage: string; routes: string[]; urls: string[] }>;
  functionUrls: Array<{ function: string; qualifier?: string; authType: string; invokeMode: string; url: string | null; hostUrl: string | null }>;
}

/** The host to put in URLs: a wildcard bind address is reached on loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export function describeFrontDoor(input: {
  apis: ApiDefinition[]; urls: FunctionUrlRecord[]; apiPort: number | undefined; host: string;
  urlPort(urlId: string): number | undefined; region: string;
}): FrontDoorDescription {
  const port = input.apiPort;
  const base = port === undefined ? undefined : `http://${urlHost(input.host)}:${port}`;
  return {
    apiPort: port ?? null,
    apis: input.apis.map((a) => {
      const stage = a.stage === '$default' ? '' : `/${a.stage}`;
      const urls = port === undefined ? [] : [
        `http://${a.id}.execute-api.localhost:${port}${stage}/`,
        `${base}/${a.id}${stage}/`,
        ...(input.apis.length === 1 ? [`${base}/`] : []),
      ];
      return { logicalId: a.logicalId, id: a.id, kind: a.kind, stage: a.stage, routes: a.routes.map((r) => (r.path === '$default' ? '$default' : `${r.method} ${r.path}`)), urls };
    }),
    functionUrls: input.urls.map((u) => {
      const own = input.urlPort(u.urlId);
      return {
        function: u.functionName, ...(u.qualifier ? { qualifier: u.qualifier } : {}), authType: u.authType, invokeMode: u.invokeMode,
        url: own === undefined ? null : `http://${urlHost(input.host)}:${own}/`,
        hostUrl: port === undefined ? null : `http://${u.urlId}.lambda-url.${input.region}.localhost:${port}/`,
      };
    }),
  };
}

/** Human-readable lines for the start-up log: where each API and function URL answers. */
export function describeLines(d: FrontDoorDescription): string[] {
  const lines: string[] = [];
  for (const a of d.apis) {
    lines.push(`${a.kind === 'REST' ? 'REST API' : 'HTTP API'} ${a.logicalId} (${a.routes.length} route${a.routes.length === 1 ? '' : 's'}): ${a.urls.join('  ')}`);
  }
  for (const u of d.functionUrls) {
    lines.push(`function URL ${u.function}${u.qualifier ? `:${u.qualifier}` : ''} (${u.authType}): ${[u.url, u.hostUrl].filter(Boolean).join('  ')}`);
  }
  return lines;
}
