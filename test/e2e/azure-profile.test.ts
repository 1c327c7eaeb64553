import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdapters, type Adapters } from '../../activities/adapters.js';
import { SERVICE_BUS_QUEUES } from '../../activities/integrations/service-bus/queues.js';
import { deployAgent } from '../../activities/lifecycle/deployments.js';
import { createNetAppClient } from '../../activities/lifecycle/netapp/client.js';
import { ensureSwarmContainer } from '../../activities/swarm/cosmos/index.js';
import { SWARM_ROLE } from '../../activities/swarm/postgres-field.js';
import { createTenant } from '../../api/auth/keys.js';
import { findRepositoryEntry } from '../../core/agents/repository/index.js';
import { taskWorkflowId } from '../../core/tasks/queues.js';
import type { TaskStatusView } from '../../core/tasks/task.js';
import { loadConfig } from '../../infra/config.js';
import { inTenantAs } from '../../infra/db/tenant-tx.js';
import { sleepSignal, stateQuery } from '../../workflows/agent/messages.js';
import { approveSignal, statusQuery } from '../../workflows/task/messages.js';
import { startFakeNetApp } from '../support/fakes/arm/netapp-server.js';
import { startFakeCosmos } from '../support/fakes/cosmos/server.js';
import { FakeEventHub, InMemoryCheckpointStore } from '../support/fakes/event-hubs.js';
import { FakeServiceBus } from '../support/fakes/service-bus.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';
import { reconciliationInput } from '../support/tasks.js';

/*
 * ANTS_PROFILE=azure end to end: the configuration names the Azure services, and every port runs on its Azure adapter
 * — tasks arrive on Service Bus, the marketplace awards through Cosmos DB, pheromones travel through Event Hubs, agent
 * checkpoints become NetApp Files snapshots — with each service replaced by its local fake (the real Cosmos and ARM
 * SDK clients over HTTP; Service Bus and Event Hubs through their SDK interfaces). Temporal, the workers and the
 * database are the real ones.
 */

const root = await mkdtemp(join(tmpdir(), 'ants-azure-profile-'));
const cosmos = await startFakeCosmos();
const arm = await startFakeNetApp({ root: join(root, 'arm'), operationMs: 100 });
const volume = { resourceGroup: 'rg-ants', account: 'anf-ants', pool: 'premium', volume: 'agent-memory' };
const mountPath = join(root, 'mnt');
await mkdir(mountPath, { recursive: true });
arm.addVolume(volume, mountPath);
const hub = new FakeEventHub({ partitions: 4 });
const bus = new FakeServiceBus(
  {
    [SERVICE_BUS_QUEUES.tasks]: { requiresSession: true, maxDeliveryCount: 3 },
    [SERVICE_BUS_QUEUES.integrations]: { requiresSession: true, maxDeliveryCount: 3 },
    [SERVICE_BUS_QUEUES.results]: {},
    [SERVICE_BUS_QUEUES.resultWatch]: {},
  },
  { acceptSessionTimeoutMs: 200 },
);

const config = loadConfig({
  ...process.env,
  ANTS_PROFILE: 'azure',
  ANTS_EVENTHUBS_NAMESPACE: hub.namespace,
  ANTS_EVENTHUBS_CHECKPOINT_URL: 'https://antsckpt.blob.core.windows.net/pheromone-checkpoints',
  ANTS_COSMOS_ENDPOINT: cosmos.endpoint,
  ANTS_COSMOS_KEY: cosmos.key,
  ANTS_COSMOS_DATABASE: 'ants-e2e',
  ANTS_SERVICEBUS_NAMESPACE: 'ants-e2e.servicebus.windows.net',
  ANTS_SERVICEBUS_RETRY_DELAY_MS: '50',
  ANTS_NETAPP_SUBSCRIPTION_ID: arm.subscriptionId,
  ANTS_NETAPP_RESOURCE_GROUP: volume.resourceGroup,
  ANTS_NETAPP_ACCOUNT: volume.account,
  ANTS_NETAPP_POOL: volume.pool,
  ANTS_NETAPP_VOLUME: volume.volume,
  ANTS_NETAPP_MOUNT_PATH: mountPath,
  ANTS_NETAPP_POLL_INTERVAL_MS: '100',
});
const cosmosClient = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableBackgroundEndpointRefreshing: false } });
// Terraform creates the container in production; the pods' role may not.
await ensureSwarmContainer(cosmosClient, config.ANTS_COSMOS_DATABASE, config.ANTS_COSMOS_CONTAINER);

let adapters: Adapters | undefined;
const harness = useTaskHarness({
  adapters: (db) =>
    (adapters = createAdapters(config, {
      db: () => db,
      clients: {
        serviceBus: bus.client(),
        eventHubs: { producer: hub.producer(), consumerFor: ({ consumerGroup, checkpointStore }) => hub.consumer(consumerGroup, checkpointStore), checkpointStore: new InMemoryCheckpointStore() },
        cosmos: cosmosClient,
        netApp: createNetAppClient({ subscriptionId: arm.subscriptionId, credential: arm.credential, endpoint: arm.endpoint, trustedCertificates: [arm.ca] }),
      },
    })),
});

afterAll(async () => {
  await adapters?.close();
  cosmosClient.dispose();
  await cosmos.close();
  await arm.close();
  await rm(root, { recursive: true, force: true });
});

function ready(): Adapters {
  if (!adapters) throw new Error('the adapters are used before the harness built them');
  return adapters;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  let last: T | undefined;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    last = await read().catch(() => undefined);
    if (last !== undefined && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never saw ${what}; last: ${JSON.stringify(last)}`);
}

/** What the local adapters hold for the tenant: nothing, if every port really ran on Azure. */
async function localRows(tenant: string): Promise<{ awards: number; pheromones: number; checkpoints: string[] }> {
  const db = harness.db;
  const [awards, pheromones] = await inTenantAs(db, SWARM_ROLE, tenant, async (client) => [
    Number((await client.query<{ n: string }>('select count(*) as n from task_awards where tenant_id = $1', [tenant])).rows[0]?.n),
    Number((await client.query<{ n: string }>('select count(*) as n from pheromones where tenant_id = $1', [tenant])).rows[0]?.n),
  ]);
  const checkpoints = (await db.query<{ location: string }>('select location from agent_checkpoints where tenant_id = $1 order by seq', [tenant])).rows.map((r) => r.location);
  return { awards, pheromones, checkpoints };
}

describe('ANTS_PROFILE=azure', () => {
  it('chooses every Azure adapter from the profile alone', () => {
    expect(config.adapters).toEqual({ pheromoneField: 'event-hubs', swarmState: 'cosmos', taskIngress: 'service-bus', snapshots: 'netapp' });
    // The profile without its services' settings is refused at start, naming what is missing.
    expect(() => loadConfig({ ANTS_PROFILE: 'azure' })).toThrow(/ANTS_EVENTHUBS_CHECKPOINT_URL.*ANTS_COSMOS_ENDPOINT.*ANTS_SERVICEBUS_CONNECTION_STRING or ANTS_SERVICEBUS_NAMESPACE.*ANTS_NETAPP_SUBSCRIPTION_ID/);
  });

  it('takes a task from Service Bus, awards it through Cosmos DB, marks the trail on Event Hubs, replies, and checkpoints its agent on NetApp Files', async () => {
    const tenant = freshTenant('azure');
    await createTenant(harness.db, tenant, 'Azure profile');
    const entry = findRepositoryEntry('finance.reconciliation');
    if (!entry) throw new Error('finance.reconciliation is not in the repository');
    await deployAgent({ db: harness.db, temporal: harness.env.client }, tenant, entry, { tier: 'on_demand', keepAliveMinutes: 60, idleMinutes: 30, resources: {}, warmInstances: 1, maxInstances: 1, capacity: 2 });
    // The agent publishes itself; the marketplace sees it in Cosmos DB.
    const listed = await until(() => ready().swarmState().shortlist(tenant, 'finance.reconciliation', { limit: 5 }), (s) => s.agents === 1, 'the agent in Cosmos DB');
    const agent = listed.candidates[0];
    if (!agent) throw new Error('no agent');

    await bus.client().createSender(SERVICE_BUS_QUEUES.tasks).sendMessages({
      messageId: 'rec-azure-1',
      sessionId: 'rec-azure-1',
      body: { agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: reconciliationInput(), requireApproval: true },
      applicationProperties: { tenant },
    });
    const handle: WorkflowHandle = harness.env.client.workflow.getHandle(taskWorkflowId(tenant, 'rec-azure-1'));
    await until(() => handle.query(statusQuery), (view: TaskStatusView) => view.status === 'AWAITING_APPROVAL', 'the task awaiting approval');
    await handle.signal(approveSignal, { approverId: 'alice' });
    expect(((await handle.result()) as { status: string }).status).toBe('COMPLETED');

    const reply = await until(
      async () => bus.inspect(SERVICE_BUS_QUEUES.results).messages.filter((m) => m.correlationId === 'rec-azure-1'),
      (messages) => messages.length > 0,
      'the reply on ants-results',
    );
    expect(reply.map((m) => m.subject)).toEqual(['task.completed']);

    // The award and its release are Cosmos DB's; the success trail is on Event Hubs.
    const sample = await ready().swarmState().metricsSample(tenant, new Date(0), 60_000);
    expect(sample.awards).toHaveLength(1);
    expect(sample.awards[0]).toMatchObject({ succeeded: true });
    const trails = await until(() => ready().pheromoneField().detect({ tenant, types: ['success'] }), (found) => found.length > 0, 'the success trail');
    expect(trails.map((t) => t.depositor)).toEqual([agent.agentId]);
    expect(hub.sends).toBeGreaterThan(0);

    // Put to sleep, the agent checkpoints: a file on the mounted volume and a NetApp snapshot of it.
    await harness.env.client.workflow.getHandle(agent.workflowId).signal(sleepSignal, { reason: 'end of the test' });
    await until(() => harness.env.client.workflow.getHandle(agent.workflowId).query(stateQuery), (view) => view.state === 'SLEEPING', 'the agent asleep');
    const local = await localRows(tenant);
    expect(local.checkpoints.length).toBeGreaterThan(0);
    expect(local.checkpoints.every((location) => location.startsWith('netapp:'))).toBe(true);
    expect(arm.volume(volume)?.snapshots.size).toBeGreaterThan(0);
    // Nothing went to the local adapters' tables.
    expect([local.awards, local.pheromones]).toEqual([0, 0]);
  });
});
