import { createModelsActivities } from '../activities/models/activities.js';
import { createReasoner } from '../activities/models/select.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/** Model calls: long timeouts, and a task-queue-wide rate limit that respects the providers' quotas. */
exitOnFailure(
  'models',
  runPool('models', async ({ config }) => ({
    activities: createModelsActivities({ reasoner: createReasoner(config) }),
    maxTaskQueueActivitiesPerSecond: config.ANTS_MODELS_MAX_PER_SECOND,
  })),
);
