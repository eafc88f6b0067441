// The template a SAM project folder implies when none is named: SAM CLI's own search order for its
// local commands (samcli/commands/_utils/options.py, get_or_default_template_file_name with
// include_build): `sam build`'s output first, then the sources' template.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Searched in this order, relative to the folder; the first that exists is served. */
export const TEMPLATE_SEARCH = ['.aws-sam/build/template.yaml', 'template.yaml', 'template.yml', 'template.json'] as const;

export interface Discovery {
  /** Absolute path of the template to serve, when one exists. */
  template?: string;
  /** The other candidates that exist too (relative), e.g. `template.yaml` beside `sam build`'s output. */
  shadowed: string[];
}

export function discoverTemplate(dir: string, exists: (path: string) => boolean = existsSync): Discovery {
  const found = TEMPLATE_SEARCH.filter((name) => exists(join(dir, name)));
  return { template: found.length ? join(dir, found[0]) : undefined, shadowed: found.slice(1) };
}

/** What to say when the folder has no template. */
export function noTemplateMessage(dir: string): string {
  return `no SAM template here: looked for ${TEMPLATE_SEARCH.join(', ')} in ${dir}. `
    + 'Name one with --template <file>, or serve the bundled example with --example';
}
