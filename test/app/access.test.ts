import { describe, expect, it } from 'vitest';
import { authorize, type Permission } from '../../src/app/access.ts';
import { ROLES, type Role } from '../../src/app/context.ts';

/** Who may do what, written out: every pair not listed must be refused. */
const EXPECTED: Record<Permission, Role[]> = {
  'session:use': ['user', 'seller', 'admin', 'internal'],
  'product:read': ['user', 'seller', 'admin', 'internal'],
  'product:write': ['admin', 'internal'],
  'order:place': ['user', 'seller', 'admin', 'internal'],
  'order:read': ['user', 'seller', 'admin', 'internal'],
  'order:read-any': ['admin', 'internal'],
  'settings:write': ['admin', 'internal'],
  'order:manage': ['admin', 'internal'],
};

const PAIRS = (Object.keys(EXPECTED) as Permission[]).flatMap((permission) =>
  ROLES.map((role) => ({ permission, role, allowed: EXPECTED[permission].includes(role) })),
);

describe('authorize', () => {
  it.each(PAIRS.filter((p) => p.allowed))('lets $role $permission', ({ permission, role }) => {
    expect(authorize({ tenantId: 't', userId: 'u', role }, permission)).toEqual({
      ok: true,
      value: true,
    });
  });

  it.each(PAIRS.filter((p) => !p.allowed))(
    'refuses $role $permission with FORBIDDEN',
    ({ permission, role }) => {
      expect(authorize({ tenantId: 't', userId: 'u', role }, permission)).toEqual({
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message: `Role ${role} may not ${permission.replace(':', ' ')}.`,
          details: { role, permission },
        },
      });
    },
  );

  it('says in words what was refused', () => {
    const refused = authorize({ tenantId: 't', userId: 'u', role: 'user' }, 'order:read-any');
    expect(refused.ok ? '' : refused.error.message).toBe('Role user may not order read-any.');
  });

  it('allows exactly 24 of the 32 pairs', () => {
    const allowed = PAIRS.filter(
      ({ permission, role }) => authorize({ tenantId: 't', userId: 'u', role }, permission).ok,
    );
    expect(allowed).toHaveLength(24);
  });
});
