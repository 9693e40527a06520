import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorEnvelope, okEnvelope } from '../../src/http/envelope.ts';
import { responseJsonSchema, serializerCompiler } from '../../src/http/serializer.ts';
import { sessionDto } from '../../src/http/sessions.schemas.ts';

type Serialize = (data: unknown) => string;
const compile = (compiler: typeof serializerCompiler, schema: z.ZodType) =>
  compiler({ schema, method: 'GET', url: '/x', httpStatus: '200' }) as Serialize;

const address = {
  name: 'Ada L',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};
const session = {
  id: 's1',
  userId: 'u1',
  channel: 'http',
  state: 'COLLECTING_ITEMS',
  items: [
    {
      productId: 'p1',
      sku: 'SKU-1',
      name: 'Mug "blue"\n',
      quantity: 2,
      unitPriceCents: 1250,
      currency: 'USD',
      lineTotalCents: 2500,
      internalNote: 'not in the schema',
    },
  ],
  shippingAddress: null,
  paymentMethod: null,
  currency: null,
  subtotalCents: 2500,
  submittedOrderIds: [],
  allowedActions: ['addItem'],
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T00:30:00.000Z',
};

describe('compiled response serializers', () => {
  it('write the bytes zod encode + JSON.stringify wrote, with nulls, unknown fields and escapes', () => {
    const schema = okEnvelope(sessionDto);
    const fast = compile(serializerCompiler, schema);
    const slow = compile(zodSerializerCompiler as typeof serializerCompiler, schema);
    for (const data of [
      { success: true, data: session },
      {
        success: true,
        data: { ...session, shippingAddress: address, paymentMethod: 'card', currency: 'USD' },
      },
    ]) {
      expect(fast(data)).toBe(slow(data));
    }
    expect(fast({ success: true, data: session })).not.toContain('internalNote');
  });

  it('turn zod nullable into nullable: true, so that no answer is validated to pick a branch', () => {
    const json = JSON.stringify(responseJsonSchema(okEnvelope(sessionDto)));
    expect(json).not.toContain('anyOf');
    expect(json).toContain('"nullable":true');
  });

  it('keep a real union as it is', () => {
    const union = z.object({
      value: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]),
    });
    expect(JSON.stringify(responseJsonSchema(union))).toContain('anyOf');
    expect(compile(serializerCompiler, union)({ value: { b: 3 } })).toBe('{"value":{"b":3}}');
  });

  it('fail an answer that lacks a required field, as zod did', () => {
    const fast = compile(serializerCompiler, errorEnvelope);
    expect(() => fast({ success: false, message: 'no code' })).toThrow();
  });
});
