// Every link in README.md and docs/**/*.md works in a clone: relative links name files that exist,
// #anchors match a heading (GitHub's slugs), and no link leaves the repository. Plus table tests of
// the Markdown reading it relies on.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorCache, githubSlug, headingAnchors, linkProblem, markdownLinks } from '../helpers/markdown-links.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function pages(): string[] {
  const docs = join(ROOT, 'docs');
  const inDocs = readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.md')).map((p) => join(docs, p));
  return [join(ROOT, 'README.md'), ...inDocs.sort()];
}

describe('the documentation links', () => {
  const files = pages();

  it('reads the README and the docs pages', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('resolve in a clone: files exist, anchors match headings, nothing leaves the repository', () => {
    const anchorsOf = anchorCache();
    const problems: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const link of markdownLinks(readFileSync(file, 'utf8'))) {
        checked++;
        const problem = linkProblem(ROOT, file, link.target, anchorsOf);
        if (problem) problems.push(`${relative(ROOT, file)}:${link.line}: ${link.target}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('never point at the team folder outside the repository', () => {
    const outside = files.filter((f) => /\.\.\/shared\/|\/work\/shared|shared\/design\.md/.test(readFileSync(f, 'utf8')));
    expect(outside.map((f) => relative(ROOT, f))).toEqual([]);
  });
});

describe('githubSlug', () => {
  it.each([
    ['Quick start', 'quick-start'],
    ['Hot reload (`--watch`)', 'hot-reload---watch'],
    ['`GET /_ephemera/invocations`', 'get-_ephemerainvocations'],
    ['Persistence (`--data-dir`)', 'persistence---data-dir'],
    ['`Event` (asynchronous invocation)', 'event-asynchronous-invocation'],
    ["The function's own AWS calls", 'the-functions-own-aws-calls'],
    ['Errors: three vocabularies', 'errors-three-vocabularies'],
    ['Versions, aliases — and **more**', 'versions-aliases--and-more'],
    ['See [the page](other.md#x)', 'see-the-page'],
  ])('%s → %s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });
});

describe('headingAnchors', () => {
  it('numbers repeated headings, ignores code blocks and takes HTML ids', () => {
    const page = ['# Title', '## Notes', '```', '## not a heading', '```', '## Notes', '<a id="custom"></a>', '### Trailing ###'].join('\n');
    expect([...headingAnchors(page)]).toEqual(['title', 'notes', 'notes-1', 'custom', 'trailing']);
  });
});

describe('markdownLinks', () => {
  it.each([
    ['an inline link', 'see [the guide](docs/a.md#b)', ['docs/a.md#b']],
    ['an image', '![alt text](docs/web-view.png)', ['docs/web-view.png']],
    ['code in the link text', '[`fixtures/x.yaml`](fixtures/x.yaml)', ['fixtures/x.yaml']],
    ['a title and angle brackets', '[a](<my file.md> "title")', ['my file.md']],
    ['a reference definition', '[ref]: ../other.md', ['../other.md']],
    ['HTML', '<img src="docs/x.png"> <a href="#top">', ['docs/x.png', '#top']],
    ['a link inside inline code', 'run `[not](a-link.md)` here', []],
    ['two links on one line', '[a](a.md), [b](b.md)', ['a.md', 'b.md']],
  ])('%s', (_name, text, targets) => {
    expect(markdownLinks(text).map((l) => l.target)).toEqual(targets);
  });

  it('skips fenced code blocks, backticks and tildes alike', () => {
    const page = ['[in](in.md)', '```js', '[out](out.md)', '```', '~~~', '[out](out2.md)', '~~~', '[after](after.md)'].join('\n');
    expect(markdownLinks(page)).toEqual([{ target: 'in.md', line: 1 }, { target: 'after.md', line: 8 }]);
  });
});

describe('linkProblem', () => {
  const none = (): Set<string> => new Set<string>();
  const readme = join(ROOT, 'README.md');
  it.each([
    ['a file that exists', 'package.json', undefined],
    ['a folder that exists', 'examples/compose', undefined],
    ['a web link (not followed)', 'https://docs.aws.amazon.com/lambda/', undefined],
    ['a missing file', 'docs/nope.md', 'docs/nope.md does not exist'],
    ['a path above the repository', '../shared/design.md', 'leaves the repository'],
    ['an absolute path', '/work/shared/design.md', 'an absolute path leaves the repository'],
    ['a file: link', 'file:///etc/passwd', 'a file: link leaves the repository'],
    ['an anchor into a file that is not Markdown', 'package.json#name', '#name points into package.json, which is not a Markdown page'],
    ['an anchor no heading has', '#no-such-heading', 'README.md has no heading #no-such-heading'],
  ])('%s', (_name, target, problem) => {
    expect(linkProblem(ROOT, readme, target, none)).toBe(problem);
  });
});
