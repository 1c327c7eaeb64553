import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import { afterAll, describe, it } from 'vitest';
import { createServiceBusClient } from '../../activities/integrations/service-bus/client-factory.js';
import { createServiceBusDeadLetterStore } from '../../activities/integrations/service-bus/dead-letter-store.js';
import { createServiceBusInbox } from '../../activities/integrations/service-bus/service-bus-inbox.js';
import { createNetAppClient } from '../../activities/lifecycle/netapp/client.js';
import { parseLocation } from '../../activities/lifecycle/netapp/names.js';
import { CHECKPOINT_DIRECTORY, createNetAppSnapshotStore } from '../../activities/lifecycle/netapp/store.js';
import { createCosmosSwarmState, ensureSwarmContainer } from '../../activities/swarm/cosmos/index.js';
import { createEventHubsClients } from '../../activities/swarm/event-hubs/clients.js';
import { createEventHubsPheromoneField, type EventHubsPheromoneField } from '../../activities/swarm/event-hubs/field.js';
import { describePheromoneFieldContract } from '../contract/pheromone-field.contract.js';
import { describeSnapshotStoreContract } from '../contract/snapshot-store.contract.js';
import { describeSwarmStateContract, publishAgents } from '../contract/swarm-state.contract.js';
import { describeBrokeredIngressContract, describeTaskIngressContract, type ProducedMessage } from '../contract/task-ingress.contract.js';

/*
 * The same contract suites as the fakes pass, against real Azure services — run only where their settings are in the
 * environment, each port on its own. Without them each suite is skipped, and says so on standard output with the
 * settings it needs. Every suite works in fresh tenants (or its own queue and volume): point them at test resources.
 *   Cosmos DB        ANTS_LIVE_COSMOS_ENDPOINT, and ANTS_LIVE_COSMOS_KEY or a workload identity (database ants-live)
 *   Event Hubs       ANTS_LIVE_EVENTHUBS_NAMESPACE or ANTS_LIVE_EVENTHUBS_CONNECTION_STRING, ANTS_LIVE_EVENTHUBS_HUB,
 *                    ANTS_LIVE_EVENTHUBS_CHECKPOINT_URL (consumer groups as Terraform creates them)
 *   Service Bus      ANTS_LIVE_SERVICEBUS_NAMESPACE or ANTS_LIVE_SERVICEBUS_CONNECTION_STRING, ANTS_LIVE_SERVICEBUS_QUEUE
 *                    (an empty session-enabled queue with duplicate detection and max delivery count 3)
 *   NetApp Files     ANTS_LIVE_NETAPP_SUBSCRIPTION_ID, _RESOURCE_GROUP, _ACCOUNT, _POOL, _VOLUME, and _MOUNT_PATH (the
 *                    volume's NFS mount, alone in its parent directory)
 */

const env = process.env;
const opened: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of opened.splice(0)) await close();
});

/** Runs `suite` when every group of settings has one set; otherwise prints what is missing and skips it, visibly. */
function live(port: string, needs: string[][], suite: () => void): void {
  const missing = needs.filter((anyOf) => !anyOf.some((name) => env[name])).map((anyOf) => anyOf.join(' or '));
  if (missing.length === 0) {
    suite();
    return;
  }
  process.stdout.write(`live ${port} tests skipped: set ${missing.join(', ')}\n`);
  describe.skip(`live ${port}`, () => {
    it(`needs ${missing.join(', ')}`, () => undefined);
  });
}

live('Cosmos DB', [['ANTS_LIVE_COSMOS_ENDPOINT']], () => {
  const endpoint = env.ANTS_LIVE_COSMOS_ENDPOINT ?? '';
  const client = new CosmosClient(env.ANTS_LIVE_COSMOS_KEY ? { endpoint, key: env.ANTS_LIVE_COSMOS_KEY } : { endpoint, aadCredentials: new DefaultAzureCredential() });
  opened.push(async () => client.dispose());
  const container = ensureSwarmContainer(client, 'ants-live');
  describeSwarmStateContract('cosmos (live)', () => {
    const state = createCosmosSwarmState({ client, databaseId: 'ants-live' });
    return {
      state,
      async addAgents(tenant, agentType, count, capacity) {
        await container;
        return publishAgents(state, tenant, agentType, count, capacity);
      },
    };
  });
});

live('Event Hubs', [['ANTS_LIVE_EVENTHUBS_NAMESPACE', 'ANTS_LIVE_EVENTHUBS_CONNECTION_STRING'], ['ANTS_LIVE_EVENTHUBS_HUB'], ['ANTS_LIVE_EVENTHUBS_CHECKPOINT_URL']], () => {
  describePheromoneFieldContract('event hubs (live)', () => {
    let now = Date.now();
    const clients = createEventHubsClients({
      ...(env.ANTS_LIVE_EVENTHUBS_NAMESPACE ? { namespace: env.ANTS_LIVE_EVENTHUBS_NAMESPACE } : { connectionString: env.ANTS_LIVE_EVENTHUBS_CONNECTION_STRING ?? '' }),
      hub: env.ANTS_LIVE_EVENTHUBS_HUB ?? '',
      checkpointUrl: env.ANTS_LIVE_EVENTHUBS_CHECKPOINT_URL ?? '',
    });
    const field: EventHubsPheromoneField = createEventHubsPheromoneField({ ...clients, clock: () => now });
    opened.push(() => field.close());
    return { field, advance: (ms) => void (now += ms) };
  });
});

live('Service Bus', [['ANTS_LIVE_SERVICEBUS_NAMESPACE', 'ANTS_LIVE_SERVICEBUS_CONNECTION_STRING'], ['ANTS_LIVE_SERVICEBUS_QUEUE']], () => {
  const queue = env.ANTS_LIVE_SERVICEBUS_QUEUE ?? '';
  const subject = () => {
    const client = createServiceBusClient(
      env.ANTS_LIVE_SERVICEBUS_CONNECTION_STRING
        ? { kind: 'connection-string', connectionString: env.ANTS_LIVE_SERVICEBUS_CONNECTION_STRING }
        : { kind: 'entra-id', namespace: env.ANTS_LIVE_SERVICEBUS_NAMESPACE ?? '' },
    );
    const sender = client.createSender(queue);
    return {
      queue,
      inbox: createServiceBusInbox(client, { queue, sessions: true, concurrency: 4, sessionIdleMs: 1_000, retryDelayMs: 100, log: { warn: () => undefined } }),
      deadLetters: createServiceBusDeadLetterStore(client, { queues: [queue] }),
      maxDeliveryCount: 3,
      async send(message: ProducedMessage) {
        const sent = { messageId: message.messageId, body: message.body, ...(message.sessionId ? { sessionId: message.sessionId } : {}), ...(message.properties ? { applicationProperties: message.properties } : {}) };
        if (message.scheduledAt) await sender.scheduleMessages(sent, message.scheduledAt);
        else await sender.sendMessages(sent);
      },
      close: () => client.close(),
    };
  };
  describeTaskIngressContract('service bus (live)', subject);
  describeBrokeredIngressContract('service bus (live)', subject);
});

const netApp = ['SUBSCRIPTION_ID', 'RESOURCE_GROUP', 'ACCOUNT', 'POOL', 'VOLUME', 'MOUNT_PATH'].map((name) => [`ANTS_LIVE_NETAPP_${name}`]);
live('NetApp Files', netApp, () => {
  describeSnapshotStoreContract('azure netapp files (live)', async () => {
    const client = createNetAppClient({ subscriptionId: env.ANTS_LIVE_NETAPP_SUBSCRIPTION_ID ?? '', credential: new DefaultAzureCredential() });
    const volume = {
      resourceGroup: env.ANTS_LIVE_NETAPP_RESOURCE_GROUP ?? '',
      account: env.ANTS_LIVE_NETAPP_ACCOUNT ?? '',
      pool: env.ANTS_LIVE_NETAPP_POOL ?? '',
      volume: env.ANTS_LIVE_NETAPP_VOLUME ?? '',
    };
    const mountPath = env.ANTS_LIVE_NETAPP_MOUNT_PATH ?? '';
    return {
      store: createNetAppSnapshotStore({ mountPath, client, volume }),
      root: mountPath,
      async lose(location) {
        await rm(join(mountPath, CHECKPOINT_DIRECTORY, parseLocation(location).file));
        await client.snapshots.beginDeleteAndWait(volume.resourceGroup, volume.account, volume.pool, volume.volume, parseLocation(location).snapshot);
      },
    };
  });
});
