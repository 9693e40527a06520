import { sweepExpiredCheckoutSessions } from './app/checkout-sessions/sweep.ts';
import { expireDueSessions } from './app/order-sessions/expire-sessions.ts';
import { DEFAULT_RELAY, relayOutbox } from './app/outbox/relay.ts';
import {
  DEFAULT_PAYMENT_EXPIRY,
  runPaymentExpiry,
} from './app/payments/expire-payment-sessions.ts';
import { seedDemoCatalog } from './app/seed-demo.ts';
import { relayOptions, relayTarget } from './service.ts';
import { createSqlProductRepository } from './store/sql/catalog.repository.ts';
import type { System } from './system.ts';

/** The one-shot commands that a running server can run for the CLI (see `ops.routes.ts`). */
export const MAINTENANCE_COMMANDS = ['seed-demo', 'expire', 'relay', 'unpark'] as const;
export type MaintenanceCommand = (typeof MAINTENANCE_COMMANDS)[number];

/**
 * Runs one maintenance command on an open system and returns the line to print. The CLI runs it
 * on a system of its own, or asks the server that holds the embedded store to run it on its own.
 */
export async function runMaintenance(system: System, command: MaintenanceCommand): Promise<string> {
  const { config, clock } = system;
  switch (command) {
    case 'seed-demo': {
      const inserted = await seedDemoCatalog(
        createSqlProductRepository(system.store.db),
        config.defaultTenantId,
        clock,
      );
      return `demo catalog: ${inserted} product(s) added to tenant ${config.defaultTenantId}`;
    }
    case 'expire': {
      const expired = await expireDueSessions(system.sessionRepository, clock);
      const checkouts = await sweepExpiredCheckoutSessions(system.checkoutSessionStore, clock);
      const payments = await runPaymentExpiry(system.payments, clock, {
        ...DEFAULT_PAYMENT_EXPIRY,
        warnBeforeMinutes: config.paymentExpiringWarningMinutes,
      });
      return (
        `expired ${expired} order session(s) and ${payments.expired} payment window(s); ` +
        `deleted ${checkouts} expired checkout session(s); ` +
        `warned ${payments.warned} window(s) closing soon`
      );
    }
    case 'unpark': {
      const unparked = await system.outbox.unparkAll(clock.now());
      return `put ${unparked} parked outbox event(s) back in line`;
    }
    case 'relay': {
      const { sink, outbox } = relayTarget(system);
      if (!sink) throw new Error('OUTBOX_SINK is none: nothing to relay to');
      try {
        const run = await relayOutbox(
          { store: outbox, sink, clock },
          { ...DEFAULT_RELAY, ...relayOptions(config) },
        );
        return `relayed to ${sink.name}: ${run.published} published, ${run.failed} to retry, ${run.parked} parked`;
      } finally {
        await sink.close();
      }
    }
  }
}
