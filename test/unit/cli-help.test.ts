// Help and docs cannot drift from the flags: every flag `start` parses has a help line and a row in
// docs/reference/command-line.md (and the other way round), and every generate-event event and flag is
// in that page's table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allEvents } from '../../server/cli/generate-event/catalog.ts';
import { FLAG_HELP, renderFlags } from '../../server/cli/flag-help.ts';
import { invokeHelp, mainHelp, startHelp } from '../../server/cli/help.ts';
import { FLAG_NAMES } from '../../server/options.ts';
import { ROOT } from '../helpers/emulator.ts';

const page = readFileSync(join(ROOT, 'docs/reference/command-line.md'), 'utf8');
const section = (title: string): string => page.split(/^## /m).find((s) => s.startsWith(title)) ?? '';

describe('the flags of start', () => {
  it('each has a help line, and each help line is a flag', () => {
    expect(FLAG_NAMES.filter((f) => !FLAG_HELP[f]), 'flags without an entry in server/cli/flag-help.ts').toEqual([]);
    expect(Object.keys(FLAG_HELP).filter((f) => !FLAG_NAMES.includes(f)), 'help for flags options.ts does not have').toEqual([]);
    for (const flag of FLAG_NAMES) expect(renderFlags()).toMatch(new RegExp(`^ {2}--${flag}\\b`, 'm'));
  });

  it('each has a row in the reference\'s flag table, and each row names flags that exist', () => {
    const rows = section('Flags').split('\n').filter((l) => l.startsWith('| `--'));
    const documented = rows.flatMap((r) => [...r.split('|')[1].matchAll(/`--([a-z-]+)`/g)].map((m) => m[1]));
    expect(FLAG_NAMES.filter((f) => !documented.includes(f)), 'flags missing from docs/reference/command-line.md').toEqual([]);
    expect(documented.filter((f) => !FLAG_NAMES.includes(f)), 'documented flags that do not exist').toEqual([]);
  });

  it('the help texts name every command and the invoke flags', () => {
    for (const command of ['start', 'invoke', 'generate-event', 'help', 'version']) expect(mainHelp()).toContain(`  ${command} `);
    expect(startHelp()).toContain(renderFlags());
    expect(invokeHelp()).toContain('--event, -e <file>');
  });
});

describe('generate-event in the reference', () => {
  const table = section('`ephemera generate-event`').split('\n').filter((l) => l.startsWith('| `'));
  it.each(allEvents().map((e) => [`${e.service} ${e.event}`, e]))('%s: its row names every flag', (_name, { service, event, sample }) => {
    const row = table.find((r) => {
      const [, services, events] = r.split('|');
      return services.includes(`\`${service}\``) && events.includes(`\`${event}\``);
    });
    expect(row, `no row for ${service} ${event}`).toBeDefined();
    const flags = [...row!.matchAll(/`--([A-Za-z0-9-]+)`/g)].map((m) => m[1]);
    // A row may say "as `aws-proxy`" for the flags it shares with another row.
    const shared = /as `([a-z-]+)`/.exec(row!)?.[1];
    const base = shared ? table.find((r) => r.split('|')[2].includes(`\`${shared}\``)) : undefined;
    const all = [...flags, ...(base ? [...base.matchAll(/`--([A-Za-z0-9-]+)`/g)].map((m) => m[1]) : [])];
    expect(Object.keys(sample.flags).filter((f) => !all.includes(f)), `flags of ${service} ${event} not in its row`).toEqual([]);
  });
});
