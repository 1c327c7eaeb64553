import { createHash } from 'node:crypto';

/*
 * Each tenant reads the hub through consumer groups of its own, so its checkpoints and readers never touch another
 * tenant's. It needs two, because the two readings cannot share a group:
 * - notices (`ants-<tenant>`): one reader per partition across all workers, with checkpoints, so subscribers hear each
 *   event once. The SDK makes such readers exclusive (owner level 0).
 * - cache (`ants-<tenant>-cache`): every worker reads every partition to hold the whole field. These readers are
 *   non-exclusive, and Event Hubs refuses a non-exclusive reader on a partition of a group where an exclusive one is
 *   attached (and detaches them when one attaches), so they need a group without exclusive readers.
 * Consumer groups are not created by the SDK: provisioning creates both for every tenant, with these names.
 */

/** Event Hubs' rule for consumer group names: 1–50 letters, digits, `.`, `_`, `-`, starting and ending alphanumeric. */
const GROUP_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$/;
const CACHE_SUFFIX = '-cache';

export type FeedPurpose = 'notices' | 'cache';

/** `ants-<tenant>` when the tenant id makes a valid name with room for the suffix, else `ants-<hash of the tenant>`. */
export function tenantConsumerGroup(tenant: string): string {
  const readable = `ants-${tenant}`;
  if (GROUP_NAME.test(`${readable}${CACHE_SUFFIX}`)) return readable;
  return `ants-${createHash('sha256').update(tenant).digest('hex').slice(0, 24)}`;
}

export function consumerGroupFor(tenant: string, purpose: FeedPurpose): string {
  const group = tenantConsumerGroup(tenant);
  return purpose === 'cache' ? `${group}${CACHE_SUFFIX}` : group;
}

/**
 * The groups of workers that serve every tenant at once (`tenants: 'all'`): a process that follows the whole field.
 * Tenant groups all start `ants-`, so these names can never be a tenant's.
 */
export function wholeFieldConsumerGroup(purpose: FeedPurpose): string {
  return purpose === 'cache' ? 'ants.field-cache' : 'ants.field';
}
