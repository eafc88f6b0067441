// module-fallback.mjs's resolution for import() and static imports on Node without
// module.registerHooks (before 22.15): an off-thread loader registered with module.register.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { explained } from './sdk-hint.cjs';

let dirs = { dependencyDirs: [], sdkDirs: [] };

export function initialize(data) {
  dirs = { dependencyDirs: data?.dependencyDirs ?? [], sdkDirs: data?.sdkDirs ?? [] };
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || /^([./]|[a-z][a-z0-9+.-]*:)/i.test(specifier)) throw err;
    const from = [...dirs.dependencyDirs, ...(specifier.startsWith('@aws-sdk/') ? dirs.sdkDirs : [])];
    for (const dir of from) {
      try {
        return await nextResolve(specifier, { ...context, parentURL: pathToFileURL(join(dir, 'index.js')).href });
      } catch {
        // not there either
      }
    }
    throw explained(err, specifier, dirs.sdkDirs);
  }
}
