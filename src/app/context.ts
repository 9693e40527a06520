/**
 * Who is asking, for which tenant. Every use case takes it first; the HTTP layer builds it from
 * the gateway's headers, a chat channel from its own identity mapping.
 */
export type Role = 'user' | 'seller' | 'admin' | 'internal';
export const ROLES: readonly Role[] = ['user', 'seller', 'admin', 'internal'];

export interface RequestContext {
  tenantId: string;
  userId: string;
  role: Role;
  /** For role `seller`: the seller id whose data they may see (their user id unless told). */
  sellerId?: string | undefined;
  requestId?: string | undefined;
}
