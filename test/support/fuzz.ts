import { prng } from './payments.ts';

/**
 * Malformed requests built from the OpenAPI document: a valid-looking request per operation
 * (from its JSON schemas), then one mutation at a time, drawn from a seeded PRNG so that a
 * failure names the seed that reproduces it.
 */

export type Rng = ReturnType<typeof prng> & {
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
};

export function seeded(seed: number): Rng {
  const base = prng(seed);
  return {
    ...base,
    pick: <T>(items: readonly T[]) => items[base.int(items.length)] as T,
    chance: (p: number) => base.next() < p,
  };
}

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** OpenAPI form: `/api/orders/{id}`. */
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
}

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
      }
    >
  >;
}

export function operationsOf(document: unknown): Operation[] {
  const doc = document as OpenApi;
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

/** A value that the schema most likely accepts. */
export function sample(
  schema: JsonSchema | undefined,
  known: Record<string, string>,
  name = '',
  rng?: Rng,
): unknown {
  if (!schema) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alternative = schema.anyOf ?? schema.oneOf;
  if (alternative) {
    const first = alternative.find((s) => s.type !== 'null') ?? alternative[0];
    return sample(first, known, name, rng);
  }
  if (schema.allOf?.[0]) return sample(schema.allOf[0], known, name, rng);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string': {
      if (known[name] !== undefined) return known[name];
      if (name === 'currency') return 'USD';
      if (name === 'country') return 'US';
      if (schema.format === 'uuid') return known.uuid;
      if (schema.format === 'date-time') return '2026-01-15T12:00:00.000Z';
      if (schema.format === 'email') return 'buyer@example.com';
      if (schema.format === 'uri') return 'https://example.com/x';
      const length = Math.max(schema.minLength ?? 1, Math.min(schema.maxLength ?? 6, 6));
      return name === 'currency' || name === 'country'
        ? 'US'.padEnd(length, 'D')
        : 'abcdef'.slice(0, length).padEnd(length, 'a');
    }
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 1, 1));
    case 'boolean':
      return false;
    case 'array':
      return Array.from({ length: Math.max(schema.minItems ?? 1, 1) }, () =>
        sample(schema.items, known, name, rng),
      );
    case 'object': {
      const value: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        // Optional properties now and then: each combination meets the checks between them.
        if (required.has(key) || rng?.chance(0.5)) value[key] = sample(child, known, key, rng);
      }
      return value;
    }
    default:
      return undefined;
  }
}

/** Values that break assumptions: types, sizes, text a database cannot store, odd numbers. */
export function nastyValue(rng: Rng): unknown {
  const choices: (() => unknown)[] = [
    () => null,
    () => true,
    () => -1,
    () => 0,
    () => 1.5,
    () => 1e308,
    () => -1e308,
    () => 2 ** 53 + 2,
    () => '',
    () => ' ',
    () => 'a\u0000b',
    () => '\u0000',
    () => '\ud800',
    () => 'x\udfff',
    () => 'ok\ud83d',
    () => '💩🧨',
    () => '\u202e\u0007\u001b[31m',
    () => "'; DROP TABLE orders;--",
    () => '../../etc/passwd',
    () => 'x'.repeat(rng.pick([256, 1_000, 10_000, 70_000])),
    () => ({}),
    () => [],
    () => [[[[]]]],
    () => ({ __proto__: { polluted: true } }),
    () => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
    () => nested(rng.pick([50, 500, 1_500])),
    () => Array.from({ length: rng.pick([100, 2_000]) }, (_, i) => i),
    () => ({ 'k\u0000': 1, '\ud800': 2 }),
    () => '2026-13-45T99:99:99Z',
    () => '00000000-0000-0000-0000-000000000000',
    () => 'NaN',
    () => '1e999',
  ];
  return rng.pick(choices)();
}

function nested(depth: number): unknown {
  let value: unknown = 'deep\u0000';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** Replaces one value somewhere in `value` (or the whole) with a nasty one. */
export function mutateJson(value: unknown, rng: Rng): unknown {
  if (value === null || typeof value !== 'object' || rng.chance(0.15)) return nastyValue(rng);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...value };
  const keys = Object.keys(copy);
  if (keys.length === 0 || rng.chance(0.15)) {
    const extra = rng.pick(['extra', 'a\u0000', '\ud800', '__proto__', 'constructor', '']);
    (copy as Record<string, unknown>)[extra] = nastyValue(rng);
    return copy;
  }
  const key = rng.pick(keys);
  const target = copy as Record<string, unknown>;
  if (rng.chance(0.1)) {
    delete target[key];
    return copy;
  }
  target[key] = mutateJson(target[key], rng);
  return copy;
}

/** Every path to a string inside `value`. */
function stringLeaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    stringLeaves(child, [...path, Array.isArray(value) ? Number(key) : key]),
  );
}

/** Puts NUL or a lone surrogate into one string of an otherwise valid value. */
export function poisonString(value: unknown, rng: Rng): unknown {
  const leaves = stringLeaves(value);
  const poison = rng.pick(['\u0000', '\ud800', '\udfff', 'x\u0000', '\udbff\u0000']);
  if (leaves.length === 0) return value;
  const path = rng.pick(leaves);
  if (path.length === 0) return `${String(value)}${poison}`;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  const original = String(parent[last]);
  const at = rng.int(original.length + 1);
  parent[last] = original.slice(0, at) + poison + original.slice(at);
  return copy;
}

/** Path segments and query values that routing and decoding must survive. */
export const NASTY_SEGMENTS = [
  '%00',
  'abc%00def',
  '%ZZ',
  '%E0%A4%A',
  '%ED%A0%80',
  '%F0%9F%92%A9',
  '%C0%AF',
  '..%2F..%2Fetc',
  '%20',
  'a'.repeat(101),
  'a'.repeat(600),
  '%25',
  '%2e%2e',
  '😀',
  '-1',
  'null',
  '00000000-0000-0000-0000-000000000000',
];
