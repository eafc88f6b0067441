// Addresses of nodes in a template: the path of keys and list indexes from the root, shown as
// `Resources.MyFn.Properties.MemorySize`, and the Site (resource + path) a value is resolved at.

export type NodePath = readonly (string | number)[];

/** Where a value sits: the resource it belongs to ('' for template-level) and its path in the source. */
export interface Site {
  resource: string;
  path: NodePath;
}

export function at(site: Site, key: string | number): Site {
  return { resource: site.resource, path: [...site.path, key] };
}

export function showPath(path: NodePath): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
