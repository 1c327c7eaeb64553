import type { Container, CosmosClient } from '@azure/cosmos';
import type { SwarmState } from '../ports.js';
import { publishAgent } from './agents.js';
import { award, release } from './awards.js';
import { TenantPartition } from './partition.js';
import { history, idleHelpers, metricsSample, shortlist } from './reads.js';

/*
 * The swarm state on Azure Cosmos DB (NoSQL API), with the Postgres adapter's semantics (activities/swarm/
 * postgres-state.ts) and the same contract suite.
 *
 * Layout: one container, partitioned by `/tenant`, holding every kind of swarm document (./documents.ts). Separate
 * containers per kind would read more naturally, but Cosmos makes writes atomic together only within one logical
 * partition of one container (a transactional batch) — and the award must create the task's award and take the
 * agent's slot together, as the release must close the award, free the slot and count the records together. With
 * the tenant as partition key, tenant isolation is the partition boundary: every request names it.
 *
 * Consistency: the award never trusts a read alone. Every write is conditional — create (409 if it exists) or
 * replace if-match the etag read (412 if it changed) — and the write region checks those conditions against the
 * latest version whatever the account's consistency level, so capacity and one-award-per-task hold under any level
 * (in a single-write-region account; multi-region writes would resolve conflicts after the fact and are not
 * supported here). A stale read only costs a retry. Reads that feed decisions nobody guards (the shortlist, the
 * metrics) see the account's level: Session (the default) gives a worker its own writes back; an account that wants
 * every worker to see every award at once for those reads needs Strong or Bounded Staleness there, not for the award.
 */

export interface CosmosSwarmStateOptions {
  /** Milliseconds since the epoch: award and release times, and the decay of recent work. */
  clock?: () => number;
}

export type CosmosSwarmTarget = Container | { client: CosmosClient; databaseId: string; containerId?: string };

export const DEFAULT_SWARM_CONTAINER = 'swarm';

/** Creates the database and the swarm container (partitioned by /tenant) when they do not exist yet. */
export async function ensureSwarmContainer(client: CosmosClient, databaseId: string, containerId = DEFAULT_SWARM_CONTAINER): Promise<Container> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  const { container } = await database.containers.createIfNotExists({ id: containerId, partitionKey: { paths: ['/tenant'] } });
  return container;
}

function containerOf(target: CosmosSwarmTarget): Container {
  if ('databaseId' in target) return target.client.database(target.databaseId).container(target.containerId ?? DEFAULT_SWARM_CONTAINER);
  return target;
}

export function createCosmosSwarmState(target: CosmosSwarmTarget, options: CosmosSwarmStateOptions = {}): SwarmState {
  const container = containerOf(target);
  const clock = options.clock ?? Date.now;
  const partitionFor = (tenant: string) => new TenantPartition(container, tenant);
  return {
    publishAgent: (record) => publishAgent(partitionFor, record, clock),
    shortlist: async (tenant, agentType, query) => shortlist(partitionFor(tenant), agentType, query, clock()),
    idleHelpers: async (tenant, excludeAgentType) => idleHelpers(partitionFor(tenant), excludeAgentType, clock()),
    award: (input) => award(partitionFor, input, clock),
    release: async (tenant, taskId, succeeded, workMs) => release(partitionFor, tenant, taskId, succeeded, clock, workMs),
    metricsSample: async (tenant, since, slaMs) => metricsSample(partitionFor(tenant), since, slaMs, clock()),
    history: async (tenant, agentType, taskType, agentIds) => history(partitionFor(tenant), agentType, taskType, agentIds),
  };
}
