// SAM project conventions without processes: the template SAM's local commands pick, samconfig read as
// SAM reads it (version, global under command parameters, environments), the precedence flag >
// EPHEMERA_* > samconfig > default, and the one-line listen errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveProject } from '../../server/cli/project-options.ts';
import { commandParameters, parseConfig } from '../../server/cli/samconfig.ts';
import { listenErrorLine } from '../../server/cli/startup-error.ts';
import { discoverTemplate } from '../../server/cli/template-discovery.ts';
import { DEFAULT_TEMPLATE, FLAG_NAMES, OptionsError } from '../../server/options.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project folder with these files (path → content). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ephemera-project-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const TEMPLATE = 'Resources: {}\n';

describe('the template SAM picks in a folder', () => {
  it.each([
    [['template.yaml'], 'template.yaml', []],
    [['template.yml'], 'template.yml', []],
    [['template.json', 'template.yml'], 'template.yml', ['template.json']],
    [['template.yaml', '.aws-sam/build/template.yaml'], '.aws-sam/build/template.yaml', ['template.yaml']],
    [[], undefined, []],
  ])('with %j serves %s', (present, chosen, shadowed) => {
    const found = discoverTemplate('/p', (path) => present.some((f) => path === join('/p', f)));
    expect(found.template).toBe(chosen === undefined ? undefined : join('/p', chosen));
    expect(found.shadowed).toEqual(shadowed);
  });
});

describe('samconfig as SAM reads it', () => {
  it('lays [env.command.parameters] over [env.global.parameters], in TOML and YAML alike', () => {
    const toml = parseConfig('/p/samconfig.toml', 'version = 0.1\n[default.global.parameters]\nregion = "eu-west-1"\nport = 1\n[default.local_start_lambda.parameters]\nport = 3005\n');
    const yaml = parseConfig('/p/samconfig.yaml', 'version: 0.1\ndefault:\n  global:\n    parameters: { region: eu-west-1, port: 1 }\n  local_start_lambda:\n    parameters: { port: 3005 }\n');
    for (const config of [toml, yaml]) {
      expect(commandParameters(config, 'default', 'local_start_lambda')).toEqual([
        { key: 'region', value: 'eu-west-1', table: 'default.global.parameters' },
        { key: 'port', value: 3005, table: 'default.local_start_lambda.parameters' },
      ]);
      expect(commandParameters(config, 'prod', 'local_start_lambda')).toEqual([]);
    }
  });

  it('refuses a file without a numeric version, or one that does not parse, in one line naming it', () => {
    expect(() => parseConfig('/p/samconfig.toml', '[default.global.parameters]\nport = 1\n')).toThrow("/p/samconfig.toml: 'version' key is not present or is in unrecognized format");
    const bad = (() => {
      try {
        parseConfig('/p/samconfig.toml', 'version = 0.1\n[default\n');
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(bad).toBeInstanceOf(OptionsError);
    expect(bad!.message).toMatch(/^\/p\/samconfig\.toml: [^\n]+$/);
    expect(() => parseConfig('/p/samconfig.json', '{}')).toThrow("unsupported extension '.json'");
  });
});

describe('options in a SAM project folder', () => {
  const samconfig = [
    'version = 0.1',
    '[default.global.parameters]',
    'region = "eu-west-1"',
    '[default.local_start_api.parameters]',
    'port = 3000',
    'host = "127.0.0.2"',
    '[default.local_start_lambda.parameters]',
    'port = 3005',
    'host = "127.0.0.3"',
    'parameter_overrides = "Stage=dev Table=t"',
    'env_vars = "env.json"',
    'warm_containers = "EAGER"',
    '[default.local_invoke.parameters]',
    'parameter_overrides = ["Stage=invoke"]',
    'event = "events/e.json"',
    'template_file = "other.yaml"',
    '[prod.local_start_lambda.parameters]',
    'port = 4000',
  ].join('\n');

  it('start: samconfig under EPHEMERA_* under flags, start-lambda\'s values over start-api\'s', () => {
    const dir = project({ 'template.yaml': TEMPLATE, 'samconfig.toml': samconfig });
    const p = resolveProject('start', [], {}, dir);
    expect(p.options).toMatchObject({ template: join(dir, 'template.yaml'), port: 3005, host: '127.0.0.3', region: 'eu-west-1', envVars: join(dir, 'env.json'), parameterOverrides: { Stage: 'dev', Table: 't' } });
    expect(p.templateSource).toBe(`template.yaml (found in ${dir}, as sam local does)`);
    expect(resolveProject('start', [], { EPHEMERA_PORT: '5000' }, dir).options.port).toBe(5000);
    expect(resolveProject('start', ['--port', '6000'], { EPHEMERA_PORT: '5000' }, dir).options.port).toBe(6000);
    // A --parameter-overrides flag replaces the file's, as with SAM (not merged with it).
    expect(resolveProject('start', ['--parameter-overrides', 'Stage=prod'], {}, dir).options.parameterOverrides).toEqual({ Stage: 'prod' });
    // start-api's port is --api-port where that flag exists.
    if (FLAG_NAMES.includes('api-port')) {
      expect(p.options).toMatchObject({ apiPort: 3000 });
      expect(p.notes).toContain('samconfig.toml: not used by ephemera: warm_containers (environments are always kept warm and reused, as with LAZY)');
    } else {
      expect(p.notes).toContain('samconfig.toml: not used by ephemera: port (local_start_api: no --api-port here), warm_containers (environments are always kept warm and reused, as with LAZY)');
    }
  });

  it('--config-env and --config-file choose what is read; a missing one is an error', () => {
    const dir = project({ 'template.yaml': TEMPLATE, 'samconfig.toml': samconfig, 'conf/other.yaml': 'version: 0.1\ndefault:\n  local_start_lambda:\n    parameters:\n      port: 4100\n' });
    expect(resolveProject('start', ['--config-env', 'prod'], {}, dir).options.port).toBe(4000);
    expect(resolveProject('start', ['--config-file', 'conf/other.yaml'], {}, dir).options.port).toBe(4100);
    expect(() => resolveProject('start', ['--config-env', 'staging'], {}, dir)).toThrow("--config-env: samconfig.toml has no environment 'staging' (it has: default, prod)");
    expect(() => resolveProject('start', ['--config-file', 'nope.toml'], {}, dir)).toThrow(`--config-file: ${join(dir, 'nope.toml')} does not exist`);
  });

  it('reads the samconfig beside the template named on the command line, as SAM does', () => {
    const dir = project({ 'app/template.yaml': TEMPLATE, 'app/samconfig.toml': 'version = 0.1\n[default.local_start_lambda.parameters]\nport = 3999\n', 'samconfig.toml': samconfig });
    const p = resolveProject('start', ['--template', 'app/template.yaml'], {}, dir);
    expect(p.options).toMatchObject({ template: join(dir, 'app/template.yaml'), port: 3999 });
    expect(p.templateSource).toBe('app/template.yaml (--template)');
  });

  it('invoke: local_invoke\'s template, overrides and event; start-lambda\'s address only', () => {
    const dir = project({ 'template.yaml': TEMPLATE, 'other.yaml': TEMPLATE, 'samconfig.toml': samconfig });
    const p = resolveProject('invoke', [], {}, dir);
    expect(p.options).toMatchObject({ template: join(dir, 'other.yaml'), port: 3005, host: '127.0.0.3', parameterOverrides: { Stage: 'invoke' } });
    expect(p.options.envVars).toBeUndefined();
    expect(p.event).toBe(join(dir, 'events/e.json'));
    expect(p.templateSource).toBe('other.yaml (samconfig.toml [default.local_invoke.parameters] template_file)');
  });

  it('sam build\'s output wins over the sources\' template, with a note saying so', () => {
    const dir = project({ 'template.yaml': TEMPLATE, '.aws-sam/build/template.yaml': TEMPLATE });
    const p = resolveProject('start', [], {}, dir);
    expect(p.options.template).toBe(join(dir, '.aws-sam/build/template.yaml'));
    expect(p.notes[0]).toMatch(/^serving sam build's output \.aws-sam\/build\/template\.yaml rather than template\.yaml, as sam local does/);
  });

  it('--example and EPHEMERA_EXAMPLE serve the bundled example; the last of --example and --template wins', () => {
    const dir = project({ 'template.yaml': TEMPLATE });
    expect(resolveProject('start', ['--example'], {}, dir).options.template).toBe(DEFAULT_TEMPLATE);
    expect(resolveProject('start', [], { EPHEMERA_EXAMPLE: '1' }, dir).options.template).toBe(DEFAULT_TEMPLATE);
    expect(resolveProject('start', ['--example', '--template', 'template.yaml'], {}, dir).options.template).toBe(join(dir, 'template.yaml'));
    expect(resolveProject('start', ['--template', 'template.yaml', '--example'], {}, dir).options.template).toBe(DEFAULT_TEMPLATE);
  });

  it('with no template: start refuses in one line, invoke keeps the reason for when it runs in-process', () => {
    const dir = project({});
    expect(() => resolveProject('start', [], {}, dir)).toThrow(`no SAM template here: looked for .aws-sam/build/template.yaml, template.yaml, template.yml, template.json in ${dir}. Name one with --template <file>, or serve the bundled example with --example`);
    expect(resolveProject('invoke', [], {}, dir).noTemplate).toMatch(/^no SAM template here/);
  });

  it('a bad value in the file names the file, table and key', () => {
    const port = project({ 'template.yaml': TEMPLATE, 'samconfig.toml': 'version = 0.1\n[default.local_start_lambda.parameters]\nport = "abc"\n' });
    expect(() => resolveProject('start', [], {}, port)).toThrow("samconfig.toml [default.local_start_lambda.parameters] port: --port needs a whole number, got 'abc'");
    // The flag wins, so the file's bad value is never used.
    expect(resolveProject('start', ['--port', '1'], {}, port).options.port).toBe(1);
    const host = project({ 'template.yaml': TEMPLATE, 'samconfig.toml': 'version = 0.1\n[default.local_start_lambda.parameters]\nhost = ["a", "b"]\n' });
    expect(() => resolveProject('start', [], {}, host)).toThrow('samconfig.toml [default.local_start_lambda.parameters] host: expected one value, got a list');
  });
});

describe('listen failures in one line', () => {
  const target = { host: '127.0.0.1', port: 3001, flag: '--port' };
  it.each([
    ['EADDRINUSE', 'port 3001 is in use on 127.0.0.1; pick another with --port'],
    ['EACCES', 'cannot listen on 127.0.0.1:3001: permission denied (ports below 1024 need privileges); pick another with --port'],
    ['EADDRNOTAVAIL', 'cannot listen on 127.0.0.1:3001: 127.0.0.1 is not an address of this machine; pick another with --host'],
    ['ENOTFOUND', 'cannot listen on 127.0.0.1: no such host name; pick another with --host'],
    ['EMFILE', 'cannot listen on 127.0.0.1:3001: too many open files'],
  ])('%s', (code, line) => {
    expect(listenErrorLine(Object.assign(new Error('too many open files\n    at x'), { code }), target)).toBe(line);
  });
  it('leaves other errors to the caller, and brackets IPv6 addresses', () => {
    expect(listenErrorLine(new Error('boom'), target)).toBeUndefined();
    expect(listenErrorLine(Object.assign(new Error('x'), { code: 'EACCES' }), { host: '::1', port: 80, flag: '--api-port' })).toBe('cannot listen on [::1]:80: permission denied (ports below 1024 need privileges); pick another with --api-port');
  });
});
