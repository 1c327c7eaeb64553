import type { NetAppManagementClient } from '@azure/arm-netapp';
import { CosmosClient } from '@azure/cosmos';
import { DefaultAzureCredential } from '@azure/identity';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { AdapterChoice, AntsConfig } from '../infra/config.js';
import type { Db } from '../infra/db/pool.js';
import { createServiceBusClient, serviceBusCredentials } from './integrations/service-bus/client-factory.js';
import { localDeadLetterStore } from './integrations/service-bus/local.js';
import type { IngressLog } from './integrations/service-bus/log.js';
import type { DeadLetterStore } from './integrations/service-bus/ports.js';
import type { ServiceBusClientLike } from './integrations/service-bus/sdk-shapes.js';
import { serviceBusDeadLetters, startServiceBusIngress, type RunningIngress } from './integrations/service-bus/task-ingress.js';
import { localSnapshots } from './lifecycle/index.js';
import { netAppCheckpointsFromSettings } from './lifecycle/netapp/config.js';
import type { NetAppSnapshotActivities } from './lifecycle/netapp/activities.js';
import type { SnapshotStore } from './lifecycle/snapshots.js';
import { createCosmosSwarmState } from './swarm/cosmos/index.js';
import { createEventHubsClients, type EventHubsClients } from './swarm/event-hubs/clients.js';
import { createEventHubsPheromoneField, type EventHubsPheromoneField } from './swarm/event-hubs/field.js';
import type { PheromoneField, SwarmState } from './swarm/ports.js';
import { createPostgresPheromoneField } from './swarm/postgres-field.js';
import { createPostgresSwarmState } from './swarm/postgres-state.js';

/**
 * The one place a process learns which adapter each port uses (ANTS_PROFILE and the per-port settings, see
 * infra/config.ts): the code that uses a port never knows. Adapters are made on first use, so a pool builds only the
 * clients it needs, and each is made once per process.
 */

/** Azure SDK clients to use instead of those built from configuration: tests pass clients talking to local fakes. */
export interface AzureClients {
  serviceBus?: ServiceBusClientLike;
  eventHubs?: EventHubsClients;
  cosmos?: CosmosClient;
  netApp?: NetAppManagementClient;
}

export interface Adapters {
  readonly choice: AdapterChoice;
  pheromoneField(): PheromoneField;
  swarmState(): SwarmState;
  /** Agent checkpoints; with NetApp, also its snapshot activities (list, restore, prune) for the integrations pool. */
  snapshots(): { store: SnapshotStore; activities: NetAppSnapshotActivities | Record<string, never> };
  deadLetters(): DeadLetterStore;
  /** The Service Bus ingress bridge, started in the process that calls this; nothing where tasks come through the API. */
  startTaskIngress(options: { temporal: Client; registerRoutes: (scope: FastifyInstance) => void; log?: IngressLog }): RunningIngress | undefined;
  /** Closes the clients this process opened (not the database, which it does not own). */
  close(): Promise<void>;
}

export interface AdapterOptions {
  db: () => Db;
  clients?: AzureClients;
  /**
   * Event Hubs: which tenants this process reads from the start, or 'all' for a process that follows the whole field
   * (the API, whose capability-trail follower must hear every tenant).
   */
  pheromoneTenants?: readonly string[] | 'all';
  /** The local snapshot directory (default: under ANTS_HOME, see localSnapshots). */
  snapshots?: SnapshotStore;
}

/** Below the memory pool's shortest activity timeout (30 s). */
const PHEROMONE_CATCH_UP_MS = 20_000;

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function createAdapters(config: AntsConfig, options: AdapterOptions): Adapters {
  const choice = config.adapters;
  const clients = options.clients ?? {};
  const closers: Array<() => Promise<void>> = [];

  const serviceBus = once(() => {
    if (clients.serviceBus) return clients.serviceBus;
    const credentials = serviceBusCredentials(config);
    if (!credentials) throw new Error('the Service Bus task ingress needs ANTS_SERVICEBUS_CONNECTION_STRING or ANTS_SERVICEBUS_NAMESPACE');
    const client = createServiceBusClient(credentials);
    closers.push(() => client.close());
    return client;
  });

  const pheromoneField = once((): PheromoneField => {
    if (choice.pheromoneField === 'postgres') return createPostgresPheromoneField(options.db());
    const hub =
      clients.eventHubs ??
      createEventHubsClients({
        ...(config.ANTS_EVENTHUBS_NAMESPACE ? { namespace: config.ANTS_EVENTHUBS_NAMESPACE } : {}),
        ...(config.ANTS_EVENTHUBS_CONNECTION_STRING ? { connectionString: config.ANTS_EVENTHUBS_CONNECTION_STRING } : {}),
        hub: config.ANTS_EVENTHUBS_HUB,
        checkpointUrl: config.ANTS_EVENTHUBS_CHECKPOINT_URL ?? '',
      });
    const field: EventHubsPheromoneField = createEventHubsPheromoneField({
      ...hub,
      ...(options.pheromoneTenants ? { tenants: options.pheromoneTenants } : {}),
      // A tenant is served from its first use: a first award waits for the tenant's cache, and must fail by name
      // (and be retried) before the activity's own 30 s timeout would cut it short without saying why.
      catchUpTimeoutMs: PHEROMONE_CATCH_UP_MS,
    });
    closers.push(() => field.close());
    return field;
  });

  const swarmState = once((): SwarmState => {
    if (choice.swarmState === 'postgres') return createPostgresSwarmState(options.db());
    const endpoint = config.ANTS_COSMOS_ENDPOINT ?? '';
    const client =
      clients.cosmos ??
      new CosmosClient(config.ANTS_COSMOS_KEY ? { endpoint, key: config.ANTS_COSMOS_KEY } : { endpoint, aadCredentials: new DefaultAzureCredential() });
    if (!clients.cosmos) closers.push(async () => client.dispose());
    return createCosmosSwarmState({ client, databaseId: config.ANTS_COSMOS_DATABASE, containerId: config.ANTS_COSMOS_CONTAINER });
  });

  const snapshots = once(() => {
    if (choice.snapshots === 'local') return { store: options.snapshots ?? localSnapshots(config), activities: {} };
    const built = clients.netApp ? netAppCheckpointsFromSettings(config, clients.netApp) : netAppCheckpointsFromSettings(config);
    return { store: built.snapshots, activities: built.activities };
  });

  const deadLetters = once((): DeadLetterStore => {
    if (choice.taskIngress === 'api') return localDeadLetterStore();
    return serviceBusDeadLetters(serviceBus);
  });

  return {
    choice,
    pheromoneField,
    swarmState,
    snapshots,
    deadLetters,
    startTaskIngress({ temporal, registerRoutes, log }) {
      if (choice.taskIngress === 'api') return undefined;
      return startServiceBusIngress({ client: serviceBus(), settings: config, temporal, registerRoutes, ...(log ? { log } : {}) });
    },
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
    },
  };
}

/** Where agents' published states must be copied for the marketplace: its own store, when that is not the registry's database. */
export function marketplaceMirror(adapters: Adapters): SwarmState | undefined {
  return adapters.choice.swarmState === 'postgres' ? undefined : adapters.swarmState();
}
