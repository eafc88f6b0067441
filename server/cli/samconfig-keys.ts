// Which parameters of SAM's local commands ephemera takes from a samconfig file, as which flag: the
// sections each ephemera command reads (lowest priority first) and the conversion of TOML/YAML values
// into flag values. Pure: the file is read by samconfig.ts, the layers are put together by project-options.ts.
import { type FlagValue, OptionsError } from '../options.ts';

export type ConfigCommand = 'start' | 'invoke';

export interface ConfigSection {
  /** SAM's command key (`local_start_lambda` for `sam local start-lambda`). */
  section: string;
  /** SAM parameter name → ephemera flag. */
  keys: Readonly<Record<string, string>>;
  /** Read for a few keys only: the others are not reported as unused. */
  partial?: boolean;
}

/** What every local command of SAM shares (`template` is the older spelling of `template_file`). */
const SHARED: Readonly<Record<string, string>> = {
  template_file: 'template',
  template: 'template',
  parameter_overrides: 'parameter-overrides',
  env_vars: 'env-vars',
  region: 'region',
  debug_port: 'debug-port',
};

/**
 * `ephemera start` serves what `sam local start-lambda` (the Lambda API, --port, 3001) and `sam local
 * start-api` (API Gateway, --api-port, 3000) serve: both sections are read, start-lambda's wins where
 * both set a key. `ephemera invoke` reads `sam local invoke`'s section, and start-lambda's address to
 * find an emulator that is already running.
 */
export const CONFIG_SECTIONS: Readonly<Record<ConfigCommand, readonly ConfigSection[]>> = {
  start: [
    { section: 'local_start_api', keys: { ...SHARED, host: 'host', port: 'api-port', debug_function: 'debug' } },
    { section: 'local_start_lambda', keys: { ...SHARED, host: 'host', port: 'port', debug_function: 'debug' } },
  ],
  invoke: [
    { section: 'local_start_lambda', keys: { host: 'host', port: 'port' }, partial: true },
    { section: 'local_invoke', keys: { ...SHARED, event: 'event' } },
  ],
};

/** SAM parameters with no counterpart here, and why (the rest of the unused ones are listed without a reason). */
export const UNUSED_REASONS: Readonly<Record<string, string>> = {
  warm_containers: 'environments are always kept warm and reused, as with LAZY',
  skip_pull_image: 'no container images',
  docker_network: 'no containers',
  container_host: 'no containers',
  container_host_interface: 'no containers',
  invoke_image: 'no container images',
  profile: 'no AWS credentials are used',
};

/** A samconfig value as flag values: strings, numbers and booleans as written; a list only where a flag may repeat. */
export function toFlagValues(flag: string, value: unknown, from: string, repeatable: boolean): FlagValue[] {
  if (Array.isArray(value)) {
    if (!repeatable) throw new OptionsError(`${from}: expected one value, got a list`);
    return value.flatMap((v) => toFlagValues(flag, v, from, false));
  }
  if (typeof value === 'string') return [{ flag, value, from }];
  if (typeof value === 'number' || typeof value === 'boolean') return [{ flag, value: String(value), from }];
  throw new OptionsError(`${from}: expected a string, a number or true/false`);
}
