import { Client, Connection } from '@temporalio/client';
import { createAdapters } from '../activities/adapters.js';
import { createDiscoveryActivities } from '../activities/capabilities/activities.js';
import { createIntegrationsActivities } from '../activities/integrations/activities.js';
import { privateOriginsFrom } from '../activities/tools/sandbox-config.js';
import { integrationsPoolLifecycleActivities } from '../activities/lifecycle/index.js';
import { registerCapabilityRoutes } from '../api/routes/capabilities.js';
import { registerTaskRoutes } from '../api/routes/tasks.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/**
 * Effects on the outside world: credentials and egress live in this pool only. It also keeps agent checkpoints
 * (the snapshot port), wakes agents for Schedules, which needs a Temporal client, and — where tasks arrive on Service
 * Bus — runs the ingress bridge, which starts them through the API's own routes.
 */
exitOnFailure(
  'integrations',
  runPool('integrations', async ({ db, config }) => {
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const adapters = createAdapters(config, { db });
    const snapshots = adapters.snapshots();
    const ingress = adapters.startTaskIngress({
      temporal,
      registerRoutes: (scope) => {
        registerTaskRoutes(scope, { temporal });
        registerCapabilityRoutes(scope, { temporal });
      },
    });
    return {
      activities: {
        ...createIntegrationsActivities({ db: db() }),
        ...integrationsPoolLifecycleActivities({ db: db(), snapshots: snapshots.store, temporal }),
        ...snapshots.activities,
        ...createDiscoveryActivities({ privateOrigins: privateOriginsFrom(config) }),
      },
      close: async () => {
        await ingress?.stop();
        await adapters.close();
        await connection.close();
      },
    };
  }),
);
