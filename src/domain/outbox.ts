/** An event written in the same transaction as the change it describes, relayed later. */
export interface OutboxEvent {
  id: string;
  tenantId: string;
  aggregateType: 'order' | 'payment_session' | 'order_session';
  aggregateId: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}
