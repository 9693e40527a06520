import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';

/**
 * The service's Prometheus metrics. One registry per system (not the library's global one), so
 * that tests and several systems in one process do not collide.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpLatency: Histogram<'method' | 'route'>;
  ordersPlaced: Counter<'source'>;
  payments: Counter<'outcome'>;
  expiries: Counter<'kind'>;
  relayed: Counter<'result'>;
}

export function createMetrics(options: {
  outboxBacklog: () => Promise<{ pending: number; parked: number }>;
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'ordersession_outbox_backlog',
    help: 'Outbox events not yet published (state=pending) or parked after repeated failures (state=parked)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const backlog = await options.outboxBacklog();
      this.set({ state: 'pending' }, backlog.pending);
      this.set({ state: 'parked' }, backlog.parked);
    },
  });
  return {
    registry,
    httpRequests: new Counter({
      name: 'ordersession_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpLatency: new Histogram({
      name: 'ordersession_http_request_duration_seconds',
      help: 'HTTP request latency by method and route',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    ordersPlaced: new Counter({
      name: 'ordersession_orders_placed_total',
      help: 'Orders placed (one checkout may place several)',
      labelNames: ['source'],
      registers: [registry],
    }),
    payments: new Counter({
      name: 'ordersession_payment_events_total',
      help: 'Payment provider events applied, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    relayed: new Counter({
      name: 'ordersession_outbox_relayed_total',
      help: 'Outbox deliveries by result: published, failed (will retry), parked',
      labelNames: ['result'],
      registers: [registry],
    }),
    expiries: new Counter({
      name: 'ordersession_expired_total',
      help: 'Order sessions and payment windows expired by the workers',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}

/**
 * Request rate and latency per route, and the /metrics endpoint. A plain function on the root
 * instance, not a plugin: a plugin's hooks would see only its own routes.
 */
export function installMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpLatency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get(
    '/metrics',
    {
      // Documented only: the answer is text, sent as it is.
      config: {
        openapi: {
          response: {
            200: {
              description: 'The metrics, in the Prometheus text format',
              content: {
                'text/plain': {
                  schema: z.string().meta({
                    examples: [
                      'http_requests_total{method="GET",route="/health",status="200"} 3\n',
                    ],
                  }),
                },
              },
            },
          },
        },
      },
      schema: {
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics',
        security: [],
      },
    },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}
