// Packages the function does not carry, found where Lambda's Node runtime has them: a bare specifier
// that the function's own code cannot resolve is looked up again, after normal resolution failed,
// from the folders of dependencies built for the function, and (@aws-sdk/* only, which Lambda's
// nodejs18.x+ runtimes include) from the project's folder and ephemera's own. require() and
// require.resolve through CommonJS's resolver (Module._resolveFilename, which both call); import
// through module.registerHooks where Node has it (22.15+, in-thread: nothing at start-up but a call),
// else an off-thread loader (module-fallback-loader.mjs, registered with module.register).

const { pathToFileURL } = process.getBuiltinModule('node:url');
const { join } = process.getBuiltinModule('node:path');
const moduleApi = process.getBuiltinModule('node:module');

/** The error explained (sdk-hint.cjs, loaded only now: resolution failures are rare). */
const explained = (err, specifier, sdkDirs) => moduleApi.createRequire(import.meta.url)('./sdk-hint.cjs').explained(err, specifier, sdkDirs);

const SDK = '@aws-sdk/';
const BARE = /^(?![./]|[a-z][a-z0-9+.-]*:)/i;

/** Installs the fallback when there is somewhere to fall back to. */
export function installModuleFallback({ sdkDirs = [], dependencyDirs = [] }) {
  if (sdkDirs.length === 0 && dependencyDirs.length === 0) return;
  const dirsFor = (specifier) => [...dependencyDirs, ...(specifier.startsWith(SDK) ? sdkDirs : [])];
  patchRequire(dirsFor, sdkDirs);
  if (typeof moduleApi.registerHooks !== 'function') {
    moduleApi.register?.('./module-fallback-loader.mjs', import.meta.url, { data: { dependencyDirs, sdkDirs } });
    return;
  }
  let retrying = false;
  moduleApi.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (err) {
        // require() resolves through the patched CommonJS resolver.
        if (retrying || context.conditions?.includes('require') || !BARE.test(specifier) || !notFound(err)) throw err;
        retrying = true;
        try {
          for (const dir of dirsFor(specifier)) {
            try {
              return nextResolve(specifier, { ...context, parentURL: pathToFileURL(join(dir, 'index.js')).href });
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
}

/**
 * require() and require.resolve fall back through Module._resolveFilename (the original one, asked to
 * look from each folder as require.resolve's `paths` option does).
 */
function patchRequire(dirsFor, sdkDirs) {
  const Module = moduleApi.Module;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, isMain, options) {
    try {
      return resolveFilename.call(this, request, parent, isMain, options);
    } catch (err) {
      if (!BARE.test(request) || !notFound(err)) throw err;
      for (const dir of dirsFor(request)) {
        try {
          return resolveFilename.call(this, request, parent, isMain, { paths: [dir] });
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
