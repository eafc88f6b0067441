// SAM's configuration file (samconfig.toml, .yaml or .yml) read the way SAM CLI reads it: found next to
// the template given on the command line (else in the current folder), a `version` number required, and
// a command's parameters `[<env>.<command>.parameters]` laid over `[<env>.global.parameters]`.
import { existsSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { OptionsError } from '../options.ts';

/** The names SAM looks for, by priority (samcli/lib/config/file_manager.py). */
export const CONFIG_NAMES = ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'] as const;

type Table = Record<string, unknown>;

export interface SamConfig {
  /** Absolute path. */
  path: string;
  document: Table;
}

/** The file to read: `--config-file` (relative to `dir`) if given, which must exist; else the first default name in `dir`. */
export function locateConfig(dir: string, given?: string, exists: (path: string) => boolean = existsSync): string | undefined {
  if (given !== undefined) {
    const path = isAbsolute(given) ? given : join(dir, given);
    if (!exists(path)) throw new OptionsError(`--config-file: ${path} does not exist`);
    return path;
  }
  return CONFIG_NAMES.map((name) => join(dir, name)).find((path) => exists(path));
}

/** Parse a config file by its extension; a syntax error or a missing `version` is an OptionsError naming the file. */
export function parseConfig(path: string, text: string): SamConfig {
  const ext = extname(path);
  let document: unknown;
  try {
    if (ext === '.toml') document = parseToml(text);
    else if (ext === '.yaml' || ext === '.yml') document = parseYaml(text) ?? {};
    else throw new Error(`unsupported extension '${ext}' (SAM reads .toml, .yaml and .yml)`);
  } catch (err) {
    // Parsers' messages may span lines (a code frame): the first line says what and where.
    throw new OptionsError(`${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isTable(document)) throw new OptionsError(`${path}: expected a table of environments at the top level`);
  // SAM refuses a file without a numeric version (samcli/lib/config/samconfig.py, _version_sanity_check).
  if (typeof document.version !== 'number') throw new OptionsError(`${path}: 'version' key is not present or is in unrecognized format (SAM writes version = 0.1)`);
  return { path, document };
}

export function readConfig(path: string): SamConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OptionsError(`${path}: cannot be read: ${(err as Error).message}`);
  }
  return parseConfig(path, text);
}

/** The environments the file defines (`default`, `prod`, ...). */
export function environments(config: SamConfig): string[] {
  return Object.entries(config.document).filter(([, v]) => isTable(v)).map(([k]) => k);
}

export interface ConfigParameter {
  key: string;
  value: unknown;
  /** Where it is written: `default.local_invoke.parameters` or `default.global.parameters`. */
  table: string;
}

/** `[<env>.<command>.parameters]` over `[<env>.global.parameters]`, as SAM's SamConfig.get_all merges them. */
export function commandParameters(config: SamConfig, env: string, command: string): ConfigParameter[] {
  const envTable = table(config.document[env]);
  const merged = new Map<string, ConfigParameter>();
  for (const name of ['global', command]) {
    for (const [key, value] of Object.entries(table(table(envTable[name]).parameters))) {
      merged.set(key, { key, value, table: `${env}.${name}.parameters` });
    }
  }
  return [...merged.values()];
}

function table(v: unknown): Table {
  return isTable(v) ? v : {};
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
