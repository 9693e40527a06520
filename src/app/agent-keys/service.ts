import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  type AgentCaller,
  type AgentKey,
  agentKeyTenant,
  formatAgentKey,
} from '../../domain/agent/api-key.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { parseInput } from '../../domain/validation.ts';
import { authorize } from '../access.ts';
import type { RequestContext } from '../context.ts';
import type { Clock, IdGenerator } from '../ports.ts';
import type { AgentKeyRepository } from './ports.ts';

export interface CreatedAgentKey extends AgentKey {
  /** The key itself: shown once, never stored. */
  key: string;
}

export interface AgentKeys {
  create(ctx: RequestContext, input: unknown): Promise<Result<CreatedAgentKey>>;
  list(ctx: RequestContext): Promise<Result<AgentKey[]>>;
  revoke(ctx: RequestContext, id: string): Promise<Result<AgentKey>>;
  settings(ctx: RequestContext): Promise<Result<{ allowAnonymous: boolean }>>;
  saveSettings(ctx: RequestContext, input: unknown): Promise<Result<{ allowAnonymous: boolean }>>;
  /**
   * Who is calling: the tenant of a live key; without a key, the default tenant's anonymous
   * agent if that tenant allows anonymous agents. UNAUTHENTICATED otherwise.
   */
  authenticate(key: string | undefined): Promise<Result<AgentCaller>>;
}

const createInput = z.strictObject({ label: z.string().trim().min(1).max(100).optional() });
const settingsInput = z.strictObject({ allowAnonymous: z.boolean() });

export const hashAgentKey = (key: string) => createHash('sha256').update(key).digest('hex');

export function createAgentKeys(
  repository: AgentKeyRepository,
  deps: { clock: Clock; newId: IdGenerator; defaultTenantId: string },
): AgentKeys {
  /** Off by default; on for the demo tenant until someone turns it off. */
  async function allowsAnonymous(tenantId: string): Promise<boolean> {
    const stored = await repository.findAllowAnonymous(tenantId);
    return stored ?? tenantId === deps.defaultTenantId;
  }

  return {
    async create(ctx, input) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(createInput, input ?? {});
      if (!parsed.ok) return parsed;
      const key = formatAgentKey(ctx.tenantId, randomBytes(32).toString('base64url'));
      const record: AgentKey = {
        id: deps.newId(),
        tenantId: ctx.tenantId,
        label: parsed.value.label ?? 'agent platform',
        createdAt: deps.clock.now(),
        revokedAt: null,
      };
      await repository.insertKey({ ...record, keyHash: hashAgentKey(key) });
      return ok({ ...record, key });
    },

    async list(ctx) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      return ok(await repository.listKeys(ctx.tenantId));
    },

    async revoke(ctx, id) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      const revoked = await repository.revokeKey(ctx.tenantId, id, deps.clock.now());
      return revoked ? ok(revoked) : fail('AGENT_KEY_NOT_FOUND', undefined, { keyId: id });
    },

    async settings(ctx) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      return ok({ allowAnonymous: await allowsAnonymous(ctx.tenantId) });
    },

    async saveSettings(ctx, input) {
      const allowed = authorize(ctx, 'settings:write');
      if (!allowed.ok) return allowed;
      const parsed = parseInput(settingsInput, input);
      if (!parsed.ok) return parsed;
      await repository.saveAllowAnonymous(
        ctx.tenantId,
        parsed.value.allowAnonymous,
        deps.clock.now(),
      );
      return ok(parsed.value);
    },

    async authenticate(key) {
      if (key === undefined) {
        if (await allowsAnonymous(deps.defaultTenantId)) {
          return ok({ tenantId: deps.defaultTenantId, keyId: null });
        }
        return fail('UNAUTHENTICATED', 'An agent API key is required (Authorization: Bearer …).');
      }
      const tenantId = agentKeyTenant(key);
      const found = tenantId ? await repository.findLiveKey(tenantId, hashAgentKey(key)) : null;
      if (!found) return fail('UNAUTHENTICATED', 'The agent API key is unknown or revoked.');
      return ok({ tenantId: found.tenantId, keyId: found.id });
    },
  };
}
