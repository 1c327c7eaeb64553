import { Client, Connection } from '@temporalio/client';
import { createDiscoveryActivities } from '../activities/capabilities/activities.js';
import { createIntegrationsActivities } from '../activities/integrations/activities.js';
import { privateOriginsFrom } from '../activities/tools/sandbox-config.js';
import { integrationsPoolLifecycleActivities, localSnapshots } from '../activities/lifecycle/index.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/**
 * Effects on the outside world: credentials and egress live in this pool only. It also keeps agent checkpoints
 * (the snapshot port) and wakes agents for Schedules, which needs a Temporal client.
 */
exitOnFailure(
  'integrations',
  runPool('integrations', async ({ db, config }) => {
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    return {
      activities: {
        ...createIntegrationsActivities({ db: db() }),
        ...integrationsPoolLifecycleActivities({ db: db(), snapshots: localSnapshots(config), temporal }),
        ...createDiscoveryActivities({ privateOrigins: privateOriginsFrom(config) }),
      },
      close: () => connection.close(),
    };
  }),
);
