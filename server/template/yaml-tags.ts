// CloudFormation's YAML short forms (`!Ref`, `!Sub`, `!GetAtt` ...): the tags the YAML parser must
// accept, and the conversion of a tagged node's value into the long form (`{"Fn::Sub": ...}`).

import type { Tags } from 'yaml';

/** Short-form tag → long-form key. */
const LONG_FORMS: Readonly<Record<string, string>> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!FindInMap': 'Fn::FindInMap',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

/**
 * The long form of a tagged value: `!Ref X` → `{Ref: "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`.
 * Returns undefined for a tag that is not one of CloudFormation's.
 */
export function toLongForm(tag: string, value: unknown): Record<string, unknown> | undefined {
  const key = LONG_FORMS[tag];
  if (key === undefined) return undefined;
  if (key === 'Fn::GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { [key]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [key]: value };
}

/**
 * Tags for the `yaml` parser's `customTags` option. They only make the parser accept CloudFormation's
 * tags on scalars, sequences and mappings and keep the node (with its tag and source range) intact;
 * the tree walk in parse-source.ts turns each tagged node into its long form with toLongForm.
 */
export function cfnYamlTags(): Tags {
  const tags: Tags = [];
  for (const tag of Object.keys(LONG_FORMS)) {
    tags.push({ tag, resolve: (source: string) => source });
    tags.push({ tag, collection: 'seq', resolve: (node) => node });
    tags.push({ tag, collection: 'map', resolve: (node) => node });
  }
  return tags;
}
