import { createIntegrationsActivities } from '../activities/integrations/activities.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/** Effects on the outside world: credentials and egress live in this pool only. */
exitOnFailure('integrations', runPool('integrations', async ({ db }) => ({ activities: createIntegrationsActivities({ db: db() }) })));
