import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../../src/app/context.ts';
import { signWebhook } from '../../src/app/webhook-signature.ts';
import { loadConfig } from '../../src/config.ts';
import type { JsonSchema, OpenApiDocument, Operation } from '../../src/http/openapi-finish.ts';
import { type HttpHarness, openHttp } from '../support/http.ts';
import { notify } from '../support/payments.ts';
import { describeEachStore } from '../support/stores.ts';

const TENANT = 'demo';

interface Found {
  path: string;
  method: string;
  op: Operation;
}

/**
 * Every request example of the document is sent as it is written, against the demo catalog
 * (path ids are the ones the same run created), and every answer must be one the document
 * declares for that operation, in the shape of its schema.
 */
describeEachStore("the API document's examples", (store) => {
  let http: HttpHarness;
  let doc: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const sent = new Set<string>();

  beforeAll(async () => {
    http = await openHttp(store(), { ...loadConfig({}), seedDemo: true });
    doc = structuredClone(http.app.swagger()) as unknown as OpenApiDocument;
  });
  afterAll(async () => {
    await http?.close();
  });

  function find(operationId: string): Found {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op.operationId === operationId) return { path, method, op };
      }
    }
    throw new Error(`no operation ${operationId}`);
  }

  /** The documented answer of `status`, with its shared response resolved. */
  function documentedSchema(op: Operation, status: number): JsonSchema | undefined {
    let response = op.responses[String(status)] as
      | { $ref?: string; content?: Record<string, { schema?: JsonSchema }> }
      | undefined;
    if (response?.$ref) {
      const name = response.$ref.replace('#/components/responses/', '');
      response = doc.components.responses?.[name] as typeof response;
    }
    return response?.content?.['application/json']?.schema;
  }

  async function sendExample(
    operationId: string,
    options: {
      path?: Record<string, string>;
      as?: [string, Role];
      headers?: Record<string, string>;
      /** Another shop than the seeded demo (whose catalog already holds the examples' SKUs). */
      tenant?: string;
    } = {},
  ) {
    const { path, method, op } = find(operationId);
    const example = op.requestBody?.content['application/json']?.example;
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = options.path?.[name];
      if (value === undefined) throw new Error(`${operationId}: no value for {${name}}`);
      return encodeURIComponent(value);
    });
    const [userId, role] = options.as ?? ['alice', 'user'];
    const request: InjectOptions = {
      method: method.toUpperCase() as InjectOptions['method'],
      url,
      headers: {
        ...http.headers(options.tenant ?? TENANT, userId, role),
        ...(example === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(example === undefined ? {} : { payload: JSON.stringify(example) }),
    };
    const response = await http.app.inject(request);
    const body = response.json<{ success: boolean; data: Record<string, unknown> }>();
    const documented = Object.keys(op.responses).filter((status) => status.startsWith('2'));
    expect(
      documented,
      `${operationId} answered ${response.statusCode}: ${response.body}`,
    ).toContain(String(response.statusCode));
    const schema = documentedSchema(op, response.statusCode);
    const validate = ajv.compile({ ...schema, components: doc.components });
    expect(validate(body), `${operationId}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    sent.add(operationId);
    return body.data;
  }

  const admin: [string, Role] = ['ops-1', 'admin'];

  it('sends the buyer examples: a session from begin to payment method, and a checkout', async () => {
    const session = await sendExample('beginSession');
    const path = { id: String(session.id) };
    await sendExample('addSessionItem', { path });
    await sendExample('setSessionShipping', { path });
    const ready = await sendExample('setSessionPaymentMethod', { path });
    expect(ready.state).toBe('READY_TO_SUBMIT');

    const key = find('placeOrder').op.parameters?.find((p) => p.name === 'idempotency-key') as
      | { example?: string }
      | undefined;
    expect(key?.example).toBeTypeOf('string');
    const placed = await sendExample('placeOrder', {
      headers: { 'idempotency-key': String(key?.example) },
    });
    expect(placed.orders).toHaveLength(1);
  });

  it("sends the lifecycle examples: staff change an order's status and shipping, a buyer cancels and asks for a refund", async () => {
    const place = async (n: number) => {
      const placed = await sendExample('placeOrder', {
        headers: { 'idempotency-key': `lifecycle-${n}` },
      });
      const [order] = placed.orders as { id: string }[];
      const [payment] = placed.payments as { paymentId: string }[];
      if (!order || !payment) throw new Error('nothing placed');
      return { id: order.id, paymentId: payment.paymentId };
    };
    const [first, second, third, fourth] = [
      await place(1),
      await place(2),
      await place(3),
      await place(4),
    ];
    await sendExample('setOrderShippingCost', { path: { id: first.id }, as: admin });
    await sendExample('changeOrderStatus', { path: { id: first.id }, as: admin });
    await sendExample('changeOrderStatusAsStaff', { path: { id: second.id }, as: admin });
    await sendExample('cancelOrder', { path: { id: third.id } });
    expect(await notify(http, TENANT, fourth.paymentId, 'succeeded')).toBe('paid');
    const refund = await sendExample('requestRefund', { path: { id: fourth.id } });
    expect(refund.status).toBe('requested_refund');
  });

  it('sends the catalog examples: a product with variants, edited, stocked and archived', async () => {
    const shop = { as: admin, tenant: `shop-${crypto.randomUUID()}` };
    const product = await sendExample('createProduct', shop);
    const path = { id: String(product.id) };
    const [variant] = product.variants as { variantId: string }[];
    if (!variant) throw new Error('no variant created');
    const variantPath = { variantId: variant.variantId };
    expect((await sendExample('updateProduct', { ...shop, path })).title).toBe(
      'Classic tee (organic)',
    );
    await sendExample('addVariant', { ...shop, path });
    expect((await sendExample('updateVariant', { ...shop, path: variantPath })).priceCents).toBe(
      1799,
    );
    expect((await sendExample('setVariantStock', { ...shop, path: variantPath })).onHand).toBe(120);
    await sendExample('setVariantStockByProductPath', {
      ...shop,
      path: { id: variant.variantId },
    });
    expect((await sendExample('archiveProduct', { ...shop, path })).status).toBe('archived');
  });

  it('sends the webhook example, signed', async () => {
    const { op } = find('receivePaymentWebhook');
    const rawBody = JSON.stringify(op.requestBody?.content['application/json']?.example);
    const event = JSON.parse(rawBody) as { id: string };
    const headers = signWebhook(http.system.webhookSecret, {
      id: event.id,
      unixSeconds: Math.floor(http.clock.now().getTime() / 1000),
      rawBody,
    });
    // Its payment is not one of this run's: acknowledged, and nothing changes.
    const answer = await sendExample('receivePaymentWebhook', { headers: { ...headers } });
    expect(answer.outcome).toBe('unknown_payment');
  });

  it('sends the admin examples: pricing, coupons, agent keys and settings, merchant data', async () => {
    await sendExample('updatePricingSettings', { as: admin });
    await sendExample('createCoupon', { as: admin });
    await sendExample('createAgentKey', { as: admin });
    await sendExample('updateAgentSettings', { as: admin });
    await sendExample('putShippingRate', { path: { id: 'us-standard' }, as: admin });
    await sendExample('putPromotion', { path: { id: 'free-over-50' }, as: admin });
    await sendExample('putBuyer', { path: { id: 'buyer-alice' }, as: admin });
    await sendExample('putBuyerAddress', {
      path: { id: 'buyer-alice', addressId: 'home' },
      as: admin,
    });
  });

  it('has sent every request example of the document', () => {
    const withExamples = Object.values(doc.paths).flatMap((item) =>
      Object.values(item)
        .filter((op) => op.requestBody)
        .map((op) => op.operationId),
    );
    expect(withExamples.filter((id) => id === undefined || !sent.has(id))).toEqual([]);
  });
});
