import type { Db } from '../../infra/db/pool.js';
import { createMarketplaceActivities } from './marketplace.js';
import { createPostgresPheromoneField } from './postgres-field.js';
import { createPostgresSwarmState } from './postgres-state.js';
import { createPostgresWorkspace } from './postgres-workspace.js';
import { createThreatActivities } from './threat-activities.js';
import { createWorkspaceActivities } from './workspace-activities.js';

/** The swarm's activities of the `memory` pool (marketplace, stigmergy workspace, threat alarms), over the local (Postgres) adapters. */
export function memoryPoolSwarmActivities(db: Db) {
  return {
    ...createMarketplaceActivities({ db, field: createPostgresPheromoneField(db), state: createPostgresSwarmState(db) }),
    ...createWorkspaceActivities({ workspace: createPostgresWorkspace(db) }),
    ...createThreatActivities({ field: createPostgresPheromoneField(db) }),
  };
}
