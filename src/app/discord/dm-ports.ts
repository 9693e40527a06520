/** What a DM tells of an order. */
export interface DmOrder {
  id: string;
  tenantId: string;
  orderNumber: string;
  totalCents: number;
  currency: string;
}

/** The events a Discord buyer hears about. */
export const DM_EVENT_TYPES = [
  'payment.succeeded',
  'payment_session.expiring',
  'payment_session.expired',
] as const;

/** A due event of a DM type, with its order and buyer as the database has them. */
export interface PendingDm {
  tenantId: string;
  eventId: string;
  /** null: the order's buyer is not a Discord user. */
  discordUserId: string | null;
  order: DmOrder;
  delivered: boolean;
}

export interface DiscordDmStore {
  /** Due, unpublished events of DM types (oldest first, at most `limit`), with their orders. */
  pendingDms(now: Date, limit: number): Promise<PendingDm[]>;
  /** Records DMs sent, so that an event relayed again is not DMed again. */
  markDelivered(sent: readonly { tenantId: string; eventId: string }[], now: Date): Promise<void>;
}
