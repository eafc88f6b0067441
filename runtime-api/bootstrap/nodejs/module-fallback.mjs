// Packages the function does not carry, found where Lambda's Node runtime has them: a bare specifier
// that the function's own code cannot resolve is looked up again, after normal resolution failed,
// from the folders of dependencies built for the function, and (@aws-sdk/* only, which Lambda's
// nodejs18.x+ runtimes include) from the project's folder and ephemera's own. import and require
// alike: module.registerHooks where Node has it (22.15+, in-thread: nothing at start-up but a call);
// else a patched CommonJS resolver and an off-thread loader (module-fallback-loader.mjs) for import.

import { explained } from './sdk-hint.mjs';

const { pathToFileURL } = process.getBuiltinModule('node:url');
const { join } = process.getBuiltinModule('node:path');
const moduleApi = process.getBuiltinModule('node:module');

const SDK = '@aws-sdk/';
const BARE = /^(?![./]|[a-z][a-z0-9+.-]*:)/i;

/** Installs the fallback when there is somewhere to fall back to. */
export function installModuleFallback({ sdkDirs = [], dependencyDirs = [] }) {
  if (sdkDirs.length === 0 && dependencyDirs.length === 0) return;
  const parents = (specifier) =>
    [...dependencyDirs, ...(specifier.startsWith(SDK) ? sdkDirs : [])].map((dir) => pathToFileURL(join(dir, 'index.js')).href);
  if (typeof moduleApi.registerHooks === 'function') {
    let retrying = false;
    moduleApi.registerHooks({
      resolve(specifier, context, nextResolve) {
        try {
          return nextResolve(specifier, context);
        } catch (err) {
          if (retrying || !BARE.test(specifier) || !notFound(err)) throw err;
          retrying = true;
          try {
            const cjs = context.conditions?.includes('require');
            for (const parent of parents(specifier)) {
              try {
                if (cjs) return { url: pathToFileURL(moduleApi.createRequire(parent).resolve(specifier)).href, shortCircuit: true };
                return nextResolve(specifier, { ...context, parentURL: parent });
              } catch {
                // not there either: the next folder
              }
            }
          } finally {
            retrying = false;
          }
          throw explained(err, specifier, sdkDirs);
        }
      },
    });
    return;
  }
  patchRequire(parents, sdkDirs);
  moduleApi.register?.('./module-fallback-loader.mjs', import.meta.url, { data: { dependencyDirs, sdkDirs } });
}

/** Node without registerHooks: require() falls back through Module._resolveFilename. */
function patchRequire(parents, sdkDirs) {
  const Module = moduleApi.Module;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    try {
      return resolveFilename.call(this, request, parent, ...rest);
    } catch (err) {
      if (!BARE.test(request) || !notFound(err)) throw err;
      for (const p of parents(request)) {
        try {
          return moduleApi.createRequire(p).resolve(request);
        } catch {
          // not there either
        }
      }
      throw explained(err, request, sdkDirs);
    }
  };
}

function notFound(err) {
  return err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND';
}
