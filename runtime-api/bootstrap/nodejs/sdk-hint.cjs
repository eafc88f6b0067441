// The INIT error of an @aws-sdk/* package found nowhere says where it was looked for and how to
// provide it (module-fallback.mjs and its off-thread loader). CommonJS, no imports: loaded in either
// thread, and by module-fallback.mjs only when a package is not found (a cold start's module less).

/** The error, its message extended for an @aws-sdk/* specifier (others are returned unchanged). */
function explained(err, specifier, sdkDirs) {
  if (!specifier.startsWith('@aws-sdk/') || sdkDirs.length === 0 || typeof err?.message !== 'string') return err;
  const pkg = specifier.split('/').slice(0, 2).join('/');
  const [project, ...rest] = sdkDirs;
  err.message +=
    `\nLambda's Node.js runtime includes the AWS SDK for JavaScript v3; ephemera provides it from the function's node_modules, ` +
    `the project's (${project} and up)${rest.length ? ` or its own (${rest.join(', ')})` : ''}, and none has ${pkg}. ` +
    `Add it to your project: npm i -D ${pkg}`;
  return err;
}

module.exports = { explained };
