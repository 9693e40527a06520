import type { AgentKey } from '../../domain/agent/api-key.ts';

export interface AgentKeyRepository {
  insertKey(key: AgentKey & { keyHash: string }): Promise<void>;
  /** The live (not revoked) key with this hash in this tenant. */
  findLiveKey(tenantId: string, keyHash: string): Promise<AgentKey | null>;
  listKeys(tenantId: string): Promise<AgentKey[]>;
  /** Sets revoked_at once; false when the tenant has no such key. */
  revokeKey(tenantId: string, id: string, now: Date): Promise<AgentKey | null>;
  /** The stored setting; null when the tenant never set one. */
  findAllowAnonymous(tenantId: string): Promise<boolean | null>;
  saveAllowAnonymous(tenantId: string, allow: boolean, now: Date): Promise<void>;
}
