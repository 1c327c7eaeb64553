import { createToolWriterActivities } from '../activities/capabilities/activities.js';
import { toolWritingModel } from '../activities/capabilities/select.js';
import { createModelsActivities } from '../activities/models/activities.js';
import { createReasoner, routerDeps } from '../activities/models/select.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/**
 * Model calls: long timeouts, a task-queue-wide rate limit, and (with the router) per-provider rate and concurrency
 * limits inside the pool, so a burst of Reason steps waits its turn instead of failing.
 */
exitOnFailure(
  'models',
  runPool('models', async ({ config, db }) => {
    const router = config.ANTS_MODEL_PROVIDER === 'router' ? routerDeps(config, db) : undefined;
    return {
      activities: {
        ...createModelsActivities({ reasoner: createReasoner(config, router) }),
        ...createToolWriterActivities({ model: toolWritingModel(config, router) }),
      },
      maxTaskQueueActivitiesPerSecond: config.ANTS_MODELS_MAX_PER_SECOND,
    };
  }),
);
