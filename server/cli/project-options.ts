// The options `start` and `invoke` run with in a SAM project folder. Precedence as in SAM CLI (click:
// command line > environment variable > samconfig > default): flags, then EPHEMERA_* variables, then the
// samconfig file, then the defaults; with no template named anywhere, the one SAM would pick in the folder.
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_TEMPLATE, FLAG_NAMES, type FlagValue, type Options, OptionsError, argvValues, envValues, parseOptions } from '../options.ts';
import { commandParameters, environments, locateConfig, readConfig, type SamConfig } from './samconfig.ts';
import { CONFIG_SECTIONS, type ConfigCommand, UNUSED_REASONS, toFlagValues } from './samconfig-keys.ts';
import { discoverTemplate, noTemplateMessage } from './template-discovery.ts';

export interface ProjectOptions {
  options: Options;
  /** How the template was chosen, for the start-up log: `template.yaml (found in the current folder)`. */
  templateSource: string;
  /** `sam local invoke`'s `event` from the samconfig file (absolute), when set there. */
  event?: string;
  /** What else is worth a line at start-up: the samconfig values read and those ignored, a shadowed template. */
  notes: string[];
  /**
   * invoke only: why there is no template (start throws it). Through a running emulator invoke needs none;
   * running the function in-process does.
   */
  noTemplate?: string;
}

/** Flags whose values are paths: relative ones are taken from the current folder, as SAM does. */
const PATH_FLAGS = new Set(['template', 'env-vars', 'event']);

export function resolveProject(command: ConfigCommand, argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ProjectOptions {
  const given = [...envValues(env), ...argvValues(argv)];
  const last = (flag: string): FlagValue | undefined => given.filter((v) => v.flag === flag).at(-1);
  const named = namedTemplate(given);
  // SAM reads the config file beside the template named on the command line, else in the current folder.
  const configDir = named ? dirname(resolve(cwd, named.path)) : cwd;
  const configPath = locateConfig(configDir, last('config-file')?.value);
  const config = configPath ? fromConfig(readConfig(configPath), command, last('config-env'), cwd) : { values: [], notes: [] };
  const notes = [...config.notes];
  let templateSource: string;
  let noTemplate: string | undefined;
  if (named) {
    templateSource = named.how;
  } else {
    const configured = config.values.filter((v) => v.flag === 'template').at(-1);
    if (configured) {
      templateSource = `${show(configured.value, cwd)} (${configured.from})`;
    } else {
      const found = discoverTemplate(cwd);
      if (!found.template && command === 'start') throw new OptionsError(noTemplateMessage(cwd));
      noTemplate = found.template ? undefined : noTemplateMessage(cwd);
      templateSource = found.template ? `${show(found.template, cwd)} (found in ${cwd}, as sam local does)` : 'no template';
      if (found.template) config.values.unshift({ flag: 'template', value: found.template });
      if (found.template && found.shadowed.length && found.template.includes('.aws-sam')) {
        notes.push(`serving sam build's output ${show(found.template, cwd)} rather than ${found.shadowed.join(', ')}, as sam local does; run sam build again after changing the sources, or pass --template ${found.shadowed[0]}`);
      }
    }
  }
  const values = config.values.filter((v) => v.flag !== 'event');
  return {
    options: parseOptions(argv, env, values, cwd),
    templateSource,
    event: config.values.filter((v) => v.flag === 'event').at(-1)?.value,
    notes,
    noTemplate,
  };
}

/** The template named by --template / --example or EPHEMERA_TEMPLATE / EPHEMERA_EXAMPLE (the last one wins). */
function namedTemplate(given: FlagValue[]): { path: string; how: string } | undefined {
  let out: { path: string; how: string } | undefined;
  for (const v of given) {
    if (v.flag === 'template') out = { path: v.value, how: `${v.value} (${v.from ?? '--template'})` };
    if (v.flag === 'example' && !['false', '0', 'no', 'off'].includes(v.value.toLowerCase())) {
      out = { path: DEFAULT_TEMPLATE, how: `the bundled example ${DEFAULT_TEMPLATE} (${v.from ?? '--example'})` };
    }
  }
  return out;
}

interface ConfigValues {
  values: FlagValue[];
  notes: string[];
}

/** The samconfig parameters the command's sections map to flags (paths made absolute), and notes on what was read. */
function fromConfig(config: SamConfig, command: ConfigCommand, envFlag: FlagValue | undefined, cwd: string): ConfigValues {
  const envName = envFlag?.value ?? 'default';
  const file = show(config.path, cwd);
  if (envFlag && !environments(config).includes(envName)) {
    throw new OptionsError(`--config-env: ${file} has no environment '${envName}' (it has: ${environments(config).join(', ') || 'none'})`);
  }
  const values: FlagValue[] = [];
  const used: string[] = [];
  const unused = new Map<string, string | undefined>();
  for (const { section, keys, partial } of CONFIG_SECTIONS[command]) {
    for (const { key, value, table } of commandParameters(config, envName, section)) {
      const flag = keys[key];
      if (!flag || !(flag === 'event' || FLAG_NAMES.includes(flag))) {
        // A key ephemera would map to a flag it does not have (yet): say which.
        if (!partial) unused.set(key, flag ? `${section}: no --${flag} here` : UNUSED_REASONS[key]);
        continue;
      }
      const from = `${file} [${table}] ${key}`;
      for (const v of toFlagValues(flag, value, from, flag === 'parameter-overrides')) {
        values.push(PATH_FLAGS.has(flag) ? { ...v, value: resolve(cwd, v.value) } : v);
      }
      used.push(`${key} (${table.split('.')[1]})`);
    }
  }
  const notes: string[] = [];
  if (used.length) notes.push(`read ${file} [${envName}]: ${used.join(', ')}`);
  if (unused.size) {
    const listed = [...unused].map(([k, why]) => (why ? `${k} (${why})` : k));
    notes.push(`${file}: not used by ephemera: ${listed.join(', ')}`);
  }
  return { values, notes };
}

/** A path as the user would write it: relative to the current folder when inside it. */
function show(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(cwd, path);
}
