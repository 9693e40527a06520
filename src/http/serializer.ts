import { isDeepStrictEqual } from 'node:util';
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { type ZodType, z } from 'zod';
import { safeEncode } from 'zod/v4/core';

/**
 * The JSON Schema of what a route answers, from its zod schema: the output side (what the
 * handler sends), every shared part inlined (fast-json-stringify needs no registry), nothing
 * the schema cannot say (a custom check) left as "any value".
 */
export function responseJsonSchema(schema: ZodType): Schema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'output',
    unrepresentable: 'any',
    reused: 'inline',
    cycles: 'ref',
    // An empty registry: ids and descriptions given for the OpenAPI document mean nothing here.
    metadata: z.registry(),
  });
  return withNullable(json) as Schema;
}

type JsonSchema = { [key: string]: unknown };
const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * zod writes `.nullable()` as `anyOf: [X, {type: 'null'}]`; fast-json-stringify picks an
 * `anyOf` branch by validating the value against each (ajv, on every answer). `X` with
 * `nullable: true` says the same and compiles to a plain null check.
 */
function withNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNullable);
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) out[key] = withNullable(value);
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nulls = anyOf.filter((branch) => isObject(branch) && branch.type === 'null');
    const other = anyOf.find((branch) => !nulls.includes(branch));
    if (nulls.length === 1 && isObject(other) && other.anyOf === undefined) {
      const { anyOf: _, ...rest } = out;
      return { ...rest, ...other, nullable: true };
    }
  }
  return out;
}

let checkAgainstZod = false;

/**
 * Tests turn this on (test/support/serializer-check.ts): every answer is then also encoded by
 * zod as before, and any difference in the bytes, or a value zod refuses, fails the request.
 */
export function checkSerializersAgainstZod(on: boolean): void {
  checkAgainstZod = on;
}

/**
 * Every response schema compiled once into a fast-json-stringify function: the answer is
 * written straight from the schema's fields, without zod parsing it first (what
 * fastify-type-provider-zod's serializer did on every answer). Fields the schema does not name
 * are left out (as zod's encode did), required fields come before optional ones; a required field missing
 * still fails the request (500).
 */
export const serializerCompiler: FastifySerializerCompiler<ZodType> = ({ schema, method, url }) => {
  const stringify = fastJsonStringify(responseJsonSchema(schema));
  if (!checkAgainstZod) return stringify;
  return (data) => {
    const fast = stringify(data);
    const encoded = safeEncode(schema, data);
    if (encoded.error) {
      throw new Error(`${method} ${url}: the answer does not match its schema: ${encoded.error}`);
    }
    // Same JSON value, not the same bytes: fast-json-stringify writes an object's required
    // fields before its optional ones, zod keeps the schema's order; JSON objects have no order.
    if (!isDeepStrictEqual(JSON.parse(fast), JSON.parse(JSON.stringify(encoded.data)))) {
      const slow = JSON.stringify(encoded.data);
      throw new Error(`${method} ${url}: serializers differ:\n fast ${fast}\n zod  ${slow}`);
    }
    return fast;
  };
};
