import { createMemoryActivities } from '../activities/memory/activities.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/** PostgreSQL memory: its own pool so the database connection budget is spent in one place. */
exitOnFailure('memory', runPool('memory', async ({ db }) => ({ activities: createMemoryActivities({ db: db() }) })));
