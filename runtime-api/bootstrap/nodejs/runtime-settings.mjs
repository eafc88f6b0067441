// The emulator's settings for this runtime client: leak tracking, and where packages the function
// does not carry are found (@aws-sdk/*, dependencies built for it). They come on fd 6 as one JSON
// object, read once at start-up; the fd is then closed, so nothing of the emulator's reaches the
// function's environment, its child processes or an AWS_LAMBDA_EXEC_WRAPPER script's view of it.
// A blank sandbox (server/pool/sandbox-pool.ts) is started before its function is known: it waits
// here, blocked in the read, until the emulator assigns it a function (`assignment`: see assign.mjs).
// Node before 20.16 and 22.3 gets process.getBuiltinModule here (this is the client's first module).

import { applyAssignment } from './assign.mjs'; // (uses getBuiltinModule only when called)

if (typeof process.getBuiltinModule !== 'function') {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  process.getBuiltinModule = (id) => require(id);
}

const { closeSync, fstatSync, readFileSync } = process.getBuiltinModule('node:fs');

/** Where the emulator writes the settings (server/environment/worker-process.ts: SETTINGS_FD). */
const SETTINGS_FD = 6;

/**
 * @type {{ leaks?: boolean, sdkDirs?: string[], dependencyDirs?: string[] }}
 * `sdkDirs`: folders @aws-sdk/* is resolved from when the function's own code cannot resolve it (the
 * project's, then ephemera's); `dependencyDirs`: folders whose node_modules hold dependencies built
 * for the function (process isolation; in a namespace sandbox they are part of /var/task).
 */
// The Runtime API client's transport, loaded before a blank sandbox waits (not in the function's INIT).
process.getBuiltinModule('node:net');

export const settings = read();

function read() {
  try {
    // Only a socket or pipe the emulator passed (a runtime started by hand has no fd 6).
    const stat = fstatSync(SETTINGS_FD);
    if (!stat.isSocket() && !stat.isFIFO()) return {};
    const text = readFileSync(SETTINGS_FD, 'utf8');
    closeSync(SETTINGS_FD);
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object') return {};
    if (value.assignment) applyAssignment(value.assignment);
    delete value.assignment;
    return value;
  } catch {
    // (A blank sandbox closed without an assignment gets {} and exits: no AWS_LAMBDA_RUNTIME_API.)
    return {};
  }
}
