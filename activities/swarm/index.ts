import type { Db } from '../../infra/db/pool.js';
import { createMarketplaceActivities } from './marketplace.js';
import { createPostgresPheromoneField } from './postgres-field.js';
import { createPostgresSwarmState } from './postgres-state.js';

/** The marketplace's activities of the `memory` pool, over the local (Postgres) swarm adapters. */
export function memoryPoolSwarmActivities(db: Db) {
  return createMarketplaceActivities({ db, field: createPostgresPheromoneField(db), state: createPostgresSwarmState(db) });
}
