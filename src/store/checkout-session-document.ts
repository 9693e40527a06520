import type { CheckoutSession } from '../domain/checkout-session/types.ts';

/** A session as stored: JSON, with its dates as ISO strings. Shared by the SQL and DynamoDB stores. */
export type SessionDocument = Omit<CheckoutSession, 'createdAt' | 'updatedAt' | 'expiresAt'> & {
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
};

export function toDocument(session: CheckoutSession): SessionDocument {
  // A JSON round trip drops `undefined` fields, which neither store may hold.
  return JSON.parse(JSON.stringify(session)) as SessionDocument;
}

export function fromDocument(document: SessionDocument): CheckoutSession {
  return {
    ...document,
    createdAt: new Date(document.createdAt),
    updatedAt: new Date(document.updatedAt),
    expiresAt: new Date(document.expiresAt),
  };
}
