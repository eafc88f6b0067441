// A blank sandbox's assignment (server/environment/blank-plan.ts): the runtime was started before its
// function was known; here it becomes that function's: its environment replaces the blank's own
// entirely, its working directory is entered, NODE_PATH is read again and source maps are enabled
// where its NODE_OPTIONS asks for nothing else. Runs before any other module reads the environment.

/**
 * @param {{ env: Record<string, string>, cwd: string, sourceMaps?: boolean }} assignment
 */
export function applyAssignment({ env, cwd, sourceMaps }) {
  // Every variable of the blank's own goes; TZ set through process.env resets Node's time zone.
  for (const name of Object.keys(process.env)) if (!Object.hasOwn(env, name)) delete process.env[name];
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  process.chdir(cwd);
  // require() reads NODE_PATH once at start-up: read it again (the function's layers and task root).
  process.getBuiltinModule('node:module').Module._initPaths?.();
  if (sourceMaps) process.setSourceMapsEnabled(true);
}
