import { z } from 'zod';

/**
 * Who may do what. The roles are not a strict ladder: an approver decides but does not submit, so the person who
 * asks for work and the person who approves its effects are different keys (segregation of duties); an admin may
 * do everything.
 */
export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** `administer`: change the tenant's configuration (model registry, delegation modes, approval tiers). */
export type Permission = 'view' | 'submit' | 'approve' | 'administer';

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ['view'],
  operator: ['view', 'submit'],
  approver: ['view', 'approve'],
  admin: ['view', 'submit', 'approve', 'administer'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** The caller behind a valid API key. `name` is the person or system the key belongs to (e.g. the approver id). */
export interface Principal {
  keyId: string;
  tenant: string;
  role: Role;
  name: string;
}
