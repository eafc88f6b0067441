// Starting one of our runtime clients by hand (no emulator): the settings the emulator gives it come
// on fd 6 (server/environment/worker-process.ts: SETTINGS_FD), never in its environment.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { RuntimeSettings } from '../../server/environment/runtimes.ts';
import { SETTINGS_FD } from '../../server/environment/worker-process.ts';

/** spawn() with stdin ignored, stdout/stderr piped, and the runtime client's settings on fd 6. */
export function spawnRuntimeClient(command: string, args: string[], options: Omit<SpawnOptions, 'stdio'>, settings: RuntimeSettings): ChildProcess {
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe'];
  while (stdio.length < SETTINGS_FD) stdio.push('ignore');
  stdio.push('pipe');
  const child = spawn(command, args, { ...options, stdio });
  const fd = (child.stdio as unknown[])[SETTINGS_FD] as Writable;
  fd.on('error', () => {});
  fd.end(JSON.stringify(settings));
  return child;
}
