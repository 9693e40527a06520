import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

/**
 * The official UCP JSON Schemas (../shared/specs, beside the repository) as the tests' oracle:
 * every UCP answer a test sees goes through `expectUcp`, which fails on the first violation.
 */
export const SCHEMA_ROOT = resolve(
  import.meta.dirname,
  '../../../../shared/specs/ucp-2026-04-08/source/schemas',
);
const BASE = 'https://ucp.dev/schemas/';

function schemaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? schemaFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

// The spec's schemas carry their own annotations (`ucp_request`, `name`): not strict.
const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats.default(ajv);
for (const file of schemaFiles(SCHEMA_ROOT)) ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')));

const checkoutWithExtensions = {
  allOf: [
    { $ref: `${BASE}shopping/fulfillment.json#/$defs/dev.ucp.shopping.checkout` },
    { $ref: `${BASE}shopping/discount.json#/$defs/dev.ucp.shopping.checkout` },
    { $ref: `${BASE}shopping/buyer_consent.json#/$defs/dev.ucp.shopping.checkout` },
  ],
};

const kinds = {
  discovery: {
    type: 'object',
    required: ['ucp'],
    properties: { ucp: { $ref: `${BASE}ucp.json#/$defs/business_schema` } },
  },
  checkout: checkoutWithExtensions,
  order: { $ref: `${BASE}shopping/order.json` },
  error: { $ref: `${BASE}shopping/types/error_response.json` },
  search: { $ref: `${BASE}shopping/catalog_search.json#/$defs/search_response` },
  lookup: { $ref: `${BASE}shopping/catalog_lookup.json#/$defs/lookup_response` },
  platformProfile: {
    type: 'object',
    required: ['ucp'],
    properties: { ucp: { $ref: `${BASE}ucp.json#/$defs/platform_schema` } },
  },
} as const;

export type UcpKind = keyof typeof kinds;
const validators = new Map<UcpKind, ValidateFunction>();

function validator(kind: UcpKind): ValidateFunction {
  let validate = validators.get(kind);
  if (!validate) {
    validate = ajv.compile(kinds[kind]);
    validators.set(kind, validate);
  }
  return validate;
}

/** Fails the test with the first violation of the official schema for `kind`. */
export function expectUcp(kind: UcpKind, body: unknown): void {
  const validate = validator(kind);
  const valid = validate(body);
  const first = validate.errors?.[0];
  expect(
    valid,
    `not a valid UCP ${kind}: ${first?.instancePath || '/'} ${first?.message} ${JSON.stringify(first?.params)}\n${JSON.stringify(body).slice(0, 2000)}`,
  ).toBe(true);
}

/** Whether `body` is valid, without failing: for tests that check the oracle itself. */
export function isValidUcp(kind: UcpKind, body: unknown): boolean {
  return validator(kind)(body) === true;
}
