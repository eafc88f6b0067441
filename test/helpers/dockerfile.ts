// The Dockerfile's runtime instructions, read the way the tests that run the image's command need
// them: ENTRYPOINT / CMD / HEALTHCHECK as exec-form arrays (of the last stage), the entrypoint without
// its init, and ENV's variables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './emulator.ts';

/** Instructions of the final stage with their continuation lines joined; comments dropped. */
function finalStage(): string[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const from = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  return lines.slice(from);
}

/** ENTRYPOINT, CMD or HEALTHCHECK (its CMD) in exec form. */
export function execForm(instruction: 'ENTRYPOINT' | 'CMD' | 'HEALTHCHECK'): string[] {
  const line = finalStage().findLast((l) => l.toUpperCase().startsWith(`${instruction} `));
  const m = line && /(\[.*\])\s*$/.exec(line);
  if (!m) throw new Error(`no ${instruction} [...] in the Dockerfile's last stage`);
  return JSON.parse(m[1]) as string[];
}

/** ENTRYPOINT without the init in front of ephemera (`/usr/bin/tini --`): what runs on a host. */
export function entrypoint(): string[] {
  const argv = execForm('ENTRYPOINT');
  return /(^|\/)tini$/.test(argv[0]) ? argv.slice(argv.indexOf('--') + 1) : argv;
}

/** The variables the final stage's ENV instructions set (KEY=value form), but PATH (the host keeps its own). */
export function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of finalStage().filter((l) => /^ENV\s/i.test(l))) {
    for (const m of line.slice(4).matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) if (m[1] !== 'PATH') env[m[1]] = m[2];
  }
  return env;
}
