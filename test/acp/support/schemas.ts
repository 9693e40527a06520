import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

/** The official ACP 2026-04-17 specification beside the repository: the tests' oracle. */
export const ACP_SPEC = resolve(import.meta.dirname, '../../../../shared/specs/acp-2026-04-17');
const BUNDLE = JSON.parse(
  readFileSync(`${ACP_SPEC}/spec/2026-04-17/json-schema/schema.agentic_checkout.json`, 'utf8'),
);
const ID: string = BUNDLE.$id;

export const ACP_EXAMPLES = JSON.parse(
  readFileSync(`${ACP_SPEC}/examples/2026-04-17/examples.agentic_checkout.json`, 'utf8'),
);

// The bundle carries `example` annotations next to its keywords: not strict.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(BUNDLE);

export type AcpKind =
  | 'CheckoutSession'
  | 'CheckoutSessionWithOrder'
  | 'Error'
  | 'Order'
  | 'CheckoutSessionCreateRequest'
  | 'CheckoutSessionUpdateRequest'
  | 'CheckoutSessionCompleteRequest';

const validators = new Map<AcpKind, ValidateFunction>();

export function acpValidator(kind: AcpKind): ValidateFunction {
  let validate = validators.get(kind);
  if (!validate) {
    validate = ajv.compile({ $ref: `${ID}#/$defs/${kind}` });
    validators.set(kind, validate);
  }
  return validate;
}

export function expectAcp(kind: AcpKind, value: unknown): void {
  const validate = acpValidator(kind);
  const valid = validate(value);
  expect(
    valid,
    `${kind}: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(value)}`,
  ).toBe(true);
}

/** The webhook event as the webhook OpenAPI defines it: `{type, data: Order}`. */
export function expectAcpWebhook(value: unknown): void {
  const event = value as { type?: unknown; data?: unknown };
  expect(['order_create', 'order_update']).toContain(event.type);
  expectAcp('Order', event.data);
}
