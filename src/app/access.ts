import { fail, ok, type Result } from '../domain/result.ts';
import type { RequestContext, Role } from './context.ts';

/**
 * Who may do what: the one place that decides. Ownership (a buyer sees only their own
 * sessions) is checked by each use case against the record it loads.
 */
const PERMISSIONS = {
  'session:use': ['user', 'seller', 'admin', 'internal'],
  'product:read': ['user', 'seller', 'admin', 'internal'],
  'product:write': ['admin', 'internal'],
  'order:place': ['user', 'seller', 'admin', 'internal'],
  'order:read': ['user', 'seller', 'admin', 'internal'],
  /** Filter orders by any user or seller of the tenant. */
  'order:read-any': ['admin', 'internal'],
  'settings:write': ['admin', 'internal'],
  /** Move orders along the lifecycle, set shipping cost. */
  'order:manage': ['admin', 'internal'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function authorize(ctx: RequestContext, permission: Permission): Result<true> {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  if (!allowed.includes(ctx.role)) {
    return fail('FORBIDDEN', `Role ${ctx.role} may not ${permission.replace(':', ' ')}.`, {
      role: ctx.role,
      permission,
    });
  }
  return ok(true);
}
