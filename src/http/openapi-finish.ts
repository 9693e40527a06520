import { STATUS_CODES } from 'node:http';
import { ERROR_MESSAGES, type ErrorCode } from '../domain/errors.ts';
import { EXAMPLE_REQUESTS } from './openapi-examples.ts';

/** The parts of an OpenAPI 3.1 document this module reads and writes. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas?: Record<string, JsonSchema>;
    responses?: Record<string, unknown>;
    headers?: Record<string, unknown>;
    securitySchemes?: Record<string, unknown>;
  };
  [key: string]: unknown;
}

export type JsonSchema = { [key: string]: unknown };

export interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { required?: boolean; content: Record<string, Media> };
  responses: Record<string, Response | { $ref: string }>;
  [key: string]: unknown;
}

interface Media {
  schema?: JsonSchema;
  example?: unknown;
  examples?: unknown;
}

interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, Media>;
}

/** One shared answer per error status, with the code a reader meets most there. */
const ERROR_RESPONSES: Record<string, { name: string; description: string; code: ErrorCode }> = {
  400: {
    name: 'BadRequest',
    description: 'Bad input (VALIDATION_FAILED names the field in details.field), or bad JSON',
    code: 'VALIDATION_FAILED',
  },
  401: {
    name: 'Unauthorized',
    description: 'Not through the trusted gateway, or a bad service signature',
    code: 'UNAUTHENTICATED',
  },
  403: { name: 'Forbidden', description: 'This role may not do that', code: 'FORBIDDEN' },
  404: {
    name: 'NotFound',
    description: 'No such resource visible to the caller',
    code: 'ORDER_NOT_FOUND',
  },
  409: {
    name: 'Conflict',
    description:
      'The state does not allow it (INVALID_TRANSITION, INSUFFICIENT_STOCK, …), or a request with the same Idempotency-Key is still running (IDEMPOTENCY_KEY_IN_USE, with Retry-After)',
    code: 'INVALID_TRANSITION',
  },
  410: { name: 'Gone', description: 'The session has expired', code: 'SESSION_EXPIRED' },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is over the limit',
    code: 'PAYLOAD_TOO_LARGE',
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not application/json',
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  422: {
    name: 'UnprocessableContent',
    description:
      'Understood but refused (a coupon, a payment method, an Idempotency-Key reused with another body, …)',
    code: 'IDEMPOTENCY_KEY_REUSED',
  },
  429: {
    name: 'TooManyRequests',
    description: 'Over the per-minute limit of this caller',
    code: 'RATE_LIMITED',
  },
  431: {
    name: 'HeadersTooLarge',
    description: 'The request line and headers are over 16 KB (refused before routing)',
    code: 'HEADERS_TOO_LARGE',
  },
  502: {
    name: 'BadGateway',
    description: 'The payment provider could not start a payment; retry',
    code: 'PAYMENT_PROVIDER_FAILED',
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'The database is away, or this instance is draining; retry after Retry-After',
    code: 'STORE_UNAVAILABLE',
  },
};

/** What the server says for these codes, word for word, where it says more than the code's message. */
const ERROR_EXAMPLES: Partial<
  Record<ErrorCode, { message: string; details: Record<string, unknown> }>
> = {
  VALIDATION_FAILED: {
    message: 'body.shippingAddress.country: an ISO 3166-1 alpha-2 code such as US or DE',
    details: { field: 'body.shippingAddress.country' },
  },
  INVALID_TRANSITION: {
    message: 'Cannot move from paid to cancelled.',
    details: {
      machine: 'order',
      from: 'paid',
      to: 'cancelled',
      allowedTargets: ['processing', 'requested_refund'],
    },
  },
  IDEMPOTENCY_KEY_REUSED: {
    message: ERROR_MESSAGES.IDEMPOTENCY_KEY_REUSED,
    details: { field: 'headers.idempotency-key' },
  },
};

const HEADERS = {
  RequestId: {
    description: 'The id of this request in our logs (the one sent in x-request-id, or a new one)',
    schema: { type: 'string' },
    example: '0b9a4d8e-3f57-4c35-9f0e-6a1c2d3e4f50',
  },
  IdempotentReplayed: {
    description: 'true when this answer is the first answer to the same Idempotency-Key, replayed',
    schema: { type: 'string', enum: ['true'] },
  },
  RetryAfter: {
    description: 'Seconds to wait before retrying',
    schema: { type: 'integer', minimum: 0 },
    example: 2,
  },
  RateLimitLimit: {
    description: 'Requests allowed to this caller per minute on this route’s bucket',
    schema: { type: 'integer', minimum: 0 },
    example: 120,
  },
  RateLimitRemaining: {
    description: 'Requests left in the current minute',
    schema: { type: 'integer', minimum: 0 },
    example: 119,
  },
  RateLimitReset: {
    description: 'Seconds until the count starts again',
    schema: { type: 'integer', minimum: 0 },
    example: 60,
  },
} as const;

const headerRef = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });
const RATE_LIMIT_HEADERS = {
  'x-ratelimit-limit': headerRef('RateLimitLimit'),
  'x-ratelimit-remaining': headerRef('RateLimitRemaining'),
  'x-ratelimit-reset': headerRef('RateLimitReset'),
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function operations(doc: OpenApiDocument): [string, string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map(
      (method) => [path, method, item[method] as Operation] as [string, string, Operation],
    ),
  );
}

const isErrorResponse = (response: Response | { $ref: string }) =>
  !('$ref' in response) &&
  Object.values(response.content ?? {}).some(
    (media) => media.schema?.$ref === '#/components/schemas/Error',
  );

/** `z.number().int()` says ±2^53−1 as bounds: noise to a reader, and Swagger UI's sample value. */
function stripSafeIntegerBounds(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) stripSafeIntegerBounds(item);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
  if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
  for (const child of Object.values(record)) stripSafeIntegerBounds(child);
}

/**
 * An example of `schema`, composed from the examples of its parts: a component's or a
 * property's own example wins. Undefined when a part has none (the docs test names it).
 */
export function composeExample(
  schema: JsonSchema | undefined,
  doc: OpenApiDocument,
  depth = 0,
): unknown {
  if (!schema || depth > 12) return undefined;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('example' in schema) return schema.example;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return composeExample(doc.components.schemas?.[name], doc, depth + 1);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[];
    // A nullable value's example is its value, not null.
    const value = branches.find((branch) => branch.type !== 'null') ?? branches[0];
    return composeExample(value, doc, depth + 1);
  }
  if (schema.type === 'boolean') return true;
  if (schema.type === 'null') return null;
  if (schema.type === 'array') {
    const item = composeExample(schema.items as JsonSchema | undefined, doc, depth + 1);
    return item === undefined ? undefined : [item];
  }
  if (schema.type === 'object' || schema.properties) {
    const result: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(
      (schema.properties ?? {}) as Record<string, JsonSchema>,
    )) {
      const value = composeExample(property, doc, depth + 1);
      if (value === undefined) return undefined;
      result[name] = value;
    }
    return result;
  }
  return undefined;
}

/** The references a value makes, of one kind (`schemas`, `responses`, `headers`). */
function collectRefs(value: unknown, kind: string, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, kind, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const prefix = `#/components/${kind}/`;
    if (key === '$ref' && typeof child === 'string' && child.startsWith(prefix)) {
      into.add(child.slice(prefix.length));
    } else collectRefs(child, kind, into);
  }
}

/**
 * Keeps only the components something uses. Every registered zod schema is emitted twice (as
 * read in requests, `…Input`, and as written in answers): most are used one way only.
 */
function pruneComponents(doc: OpenApiDocument): void {
  for (const kind of ['responses', 'headers', 'schemas'] as const) {
    const components = doc.components[kind];
    if (!components) continue;
    let kept = new Set<string>();
    for (;;) {
      const used = new Set<string>();
      const { [kind]: _own, ...others } = doc.components;
      collectRefs({ paths: doc.paths, others }, kind, used);
      for (const name of kept) collectRefs(components[name], kind, used);
      if (used.size === kept.size) break;
      kept = used;
    }
    // Sorted by name: the order routes register their schemas in depends on which module
    // loaded first, and the document (and the client generated from it) must not.
    const entries = Object.entries(components).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [name] of entries) delete components[name];
    for (const [name, value] of entries) if (kept.has(name)) components[name] = value;
  }
  // Security schemes are named, not referenced: keep those a requirement names.
  const schemes = doc.components.securitySchemes;
  if (!schemes) return;
  const requirements = [
    ...((doc.security as Record<string, unknown>[] | undefined) ?? []),
    ...operations(doc).flatMap(
      ([, , operation]) => (operation.security as Record<string, unknown>[] | undefined) ?? [],
    ),
  ];
  const named = new Set(requirements.flatMap((requirement) => Object.keys(requirement)));
  for (const name of Object.keys(schemes)) if (!named.has(name)) delete schemes[name];
}

/**
 * What the routes do not each say: the payment methods as an enum, the shared error answers,
 * the headers every answer carries, and an example for every answer composed from the
 * examples of its schemas.
 */
export function finishDocument(
  doc: OpenApiDocument,
  settings: { paymentMethods: readonly string[] },
): OpenApiDocument {
  const requestExamples: Record<string, unknown> = EXAMPLE_REQUESTS;
  stripSafeIntegerBounds(doc);
  const schemas = doc.components.schemas ?? {};
  for (const name of ['PaymentMethod', 'PaymentMethodInput']) {
    const method = schemas[name];
    if (method) method.enum = [...settings.paymentMethods];
  }

  const responses: Record<string, unknown> = {};
  for (const [status, shared] of Object.entries(ERROR_RESPONSES)) {
    responses[shared.name] = {
      description: shared.description,
      headers: {
        'x-request-id': headerRef('RequestId'),
        ...(status === '429'
          ? { 'retry-after': headerRef('RetryAfter'), ...RATE_LIMIT_HEADERS }
          : {}),
        ...(status === '503' || status === '409' ? { 'retry-after': headerRef('RetryAfter') } : {}),
      },
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error' },
          example: {
            success: false,
            error: shared.code,
            message: ERROR_MESSAGES[shared.code],
            ...ERROR_EXAMPLES[shared.code],
          },
        },
      },
    };
  }
  doc.components.responses = { ...doc.components.responses, ...responses };
  doc.components.headers = { ...doc.components.headers, ...HEADERS };

  for (const [, , operation] of operations(doc)) {
    for (const media of Object.values(operation.requestBody?.content ?? {})) {
      const branches = media.schema?.anyOf as JsonSchema[] | undefined;
      const value = branches?.filter((branch) => branch.type !== 'null');
      if (
        operation.requestBody &&
        branches &&
        value?.length === 1 &&
        value.length < branches.length
      ) {
        // A body the route takes as null when it is absent: an optional body.
        operation.requestBody.required = false;
        media.schema = value[0];
      }
      if (media.example !== undefined || media.examples !== undefined) continue;
      // zod leaves out the examples of a body with transforms (they are the output's).
      const example =
        requestExamples[operation.operationId ?? ''] ?? composeExample(media.schema, doc);
      if (example !== undefined) media.example = example;
    }
    const idempotent = (operation.parameters ?? []).some(
      (parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key',
    );
    const rateLimited = '429' in operation.responses;
    operation.responses['431'] ??= { description: '', content: {} };
    for (const [status, response] of Object.entries(operation.responses)) {
      if (isErrorResponse(response) || status === '431') {
        const shared = ERROR_RESPONSES[status];
        if (shared) operation.responses[status] = { $ref: `#/components/responses/${shared.name}` };
        continue;
      }
      if ('$ref' in response) continue;
      if (response.description === 'Default Response') {
        response.description = STATUS_CODES[Number(status)] ?? status;
      }
      const success = status.startsWith('2');
      response.headers = {
        ...response.headers,
        'x-request-id': headerRef('RequestId'),
        ...(success && idempotent
          ? { 'idempotent-replayed': headerRef('IdempotentReplayed') }
          : {}),
        ...(rateLimited ? RATE_LIMIT_HEADERS : {}),
      };
      for (const media of Object.values(response.content ?? {})) {
        if (media.example !== undefined || media.examples !== undefined) continue;
        const example = composeExample(media.schema, doc);
        if (example !== undefined) media.example = example;
      }
    }
  }
  pruneComponents(doc);
  return doc;
}
