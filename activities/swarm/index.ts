import type { Db } from '../../infra/db/pool.js';
import { createMarketplaceActivities } from './marketplace.js';
import type { PheromoneField, SwarmState } from './ports.js';
import { createPostgresWorkspace } from './postgres-workspace.js';
import { createThreatActivities } from './threat-activities.js';
import { createWorkspaceActivities } from './workspace-activities.js';

/**
 * The swarm's activities of the `memory` pool (marketplace, stigmergy workspace, threat alarms), over the configured
 * pheromone field and swarm state (activities/adapters.ts); the workspace and the audit trail are Postgres.
 */
export function memoryPoolSwarmActivities(db: Db, ports: { field: PheromoneField; state: SwarmState }) {
  return {
    ...createMarketplaceActivities({ db, field: ports.field, state: ports.state }),
    ...createWorkspaceActivities({ workspace: createPostgresWorkspace(db) }),
    ...createThreatActivities({ field: ports.field }),
  };
}
