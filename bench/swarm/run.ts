import { MockActivityEnvironment } from '@temporalio/testing';
import { createMarketplaceActivities, type AwardOutcome } from '../../activities/swarm/marketplace.js';
import { createPostgresPheromoneField } from '../../activities/swarm/postgres-field.js';
import { createPostgresSwarmState } from '../../activities/swarm/postgres-state.js';
import type { SwarmState } from '../../activities/swarm/ports.js';
import { gini, percentile } from '../../core/swarm/metrics.js';
import type { Db } from '../../infra/db/pool.js';
import { seededRandom } from '../../core/random.js';
import { argument, startBenchStack } from '../support/stack.js';

/*
 * The task marketplace under load, on the embedded stack's PostgreSQL: T tasks over A agents (capacity C each), every
 * task held for a work time drawn from the same seeded distribution, P submitters at once. Three assignment strategies
 * run side by side through the same atomic award (slots, capacity), differing only in whom they pick:
 *   marketplace   the real awardTask/releaseTask activities (bids: load, history, trails; task pheromones; audit)
 *   round-robin   the next agent in turn
 *   random        any agent
 * A baseline that picks a full agent waits and asks again, as the marketplace does. Figures: assignment latency
 * (submission → award) p50/p99, throughput, makespan, load Gini (busy time per agent), and double assignments and
 * capacity breaches (both must be 0).
 *   npm run bench:swarm [-- --tasks 10000 --agents 1000 --capacity 4 --parallel 200 --work-ms 40 --slots 20]
 */

const AGENT_TYPE = 'finance.reconciliation';

interface Strategy {
  name: string;
  award(tenant: string, taskId: string, attempt: number, submittedAt: string): Promise<string | null>;
  release(tenant: string, taskId: string, agentId: string, workMs: number): Promise<void>;
}

async function registerAgents(db: Db, tenant: string, agents: number, capacity: number): Promise<string[]> {
  const ids = Array.from({ length: agents }, (_, i) => `${AGENT_TYPE}-${i + 1}`);
  await db.query(
    `insert into agents (tenant_id, agent_id, agent_type, instance, workflow_id, state, tier, keep_warm, capacity, free_capacity)
     select $1, $2 || '-' || i, $2, i, 'agent:' || $1 || ':' || $2 || ':' || i, 'ACTIVE', 'on_demand', false, $3, $3 from generate_series(1, $4) as i`,
    [tenant, AGENT_TYPE, capacity, agents],
  );
  return ids;
}

function marketplaceStrategy(db: Db): Strategy {
  const market = createMarketplaceActivities({ db, field: createPostgresPheromoneField(db), state: createPostgresSwarmState(db) });
  const env = new MockActivityEnvironment();
  return {
    name: 'marketplace',
    async award(tenant, taskId, attempt, submittedAt) {
      const outcome: AwardOutcome = await env.run(market.awardTask, { tenant, taskId, agentType: AGENT_TYPE, taskType: 'reconcile_payments', priority: 3, submittedAt, attempt });
      return outcome.kind === 'awarded' ? outcome.agentId : null;
    },
    async release(tenant, taskId, agentId, workMs) {
      await env.run(market.releaseTask, { tenant, taskId, agentType: AGENT_TYPE, agentId, succeeded: true, workMs });
    },
  };
}

/** A baseline: it names one agent, and the same atomic award takes it only if that agent has room. */
function pickingStrategy(name: string, state: SwarmState, agentIds: string[], pick: (attempt: number) => string): Strategy {
  return {
    name,
    async award(tenant, taskId, attempt, submittedAt) {
      const agentId = pick(attempt);
      const award = await state.award({ tenant, taskId, agentType: AGENT_TYPE, submittedAt, bids: [{ agentId, score: 1, eligible: true, reason: name }] });
      return award?.agentId ?? null;
    },
    async release(tenant, taskId) {
      await state.release(tenant, taskId, true);
    },
  };
}

interface Outcome {
  strategy: string;
  tasks: number;
  agents: number;
  makespanS: number;
  tasksPerS: number;
  assignMs: { p50: number; p99: number };
  loadGini: number;
  taskCountGini: number;
  doubleAssignments: number;
  capacityBreaches: number;
  /** Agents that got any task, and the most tasks one agent got. */
  agentsUsed: number;
  mostTasks: number;
}

/**
 * At most `slots` calls at once, the rest waiting their turn: what a worker's activity slots do. Awards run as activities
 * of the memory pool, whose slots are sized to its database connections; without the limit every waiting call would
 * hold a half-made decision while it queues for a connection, and decide on what the swarm looked like seconds ago.
 * The baselines run under the same limit.
 */
function activitySlots(slots: number) {
  let free = slots;
  const waiting: Array<() => void> = [];
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await call();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    }
  };
}

async function run(db: Db, strategy: Strategy, tenant: string, agentIds: string[], options: { tasks: number; capacity: number; parallel: number; workMs: number; slots: number }): Promise<Outcome> {
  const inSlot = activitySlots(options.slots);
  const random = seededRandom(42);
  const workTimes = Array.from({ length: options.tasks }, () => Math.max(1, Math.round(-Math.log(1 - random()) * options.workMs)));
  const busy = new Map<string, number>(agentIds.map((id) => [id, 0]));
  const counts = new Map<string, number>(agentIds.map((id) => [id, 0]));
  const holding = new Map<string, number>();
  const assignMs: number[] = [];
  let breaches = 0;
  let next = 0;
  const started = performance.now();

  const submitter = async () => {
    for (let index = next++; index < options.tasks; index = next++) {
      const taskId = `t-${index}`;
      const submitted = performance.now();
      const submittedAt = new Date().toISOString();
      let agentId: string | null = null;
      for (let attempt = 1; !agentId; attempt += 1) {
        agentId = await inSlot(() => strategy.award(tenant, taskId, attempt, submittedAt));
        if (!agentId) await new Promise((r) => setTimeout(r, Math.min(50, 2 * attempt)));
      }
      assignMs.push(performance.now() - submitted);
      const held = (holding.get(agentId) ?? 0) + 1;
      holding.set(agentId, held);
      if (held > options.capacity) breaches += 1;
      const work = workTimes[index] ?? 1;
      await new Promise((r) => setTimeout(r, work));
      busy.set(agentId, (busy.get(agentId) ?? 0) + work);
      counts.set(agentId, (counts.get(agentId) ?? 0) + 1);
      holding.set(agentId, (holding.get(agentId) ?? 1) - 1);
      const holder = agentId;
      await inSlot(() => strategy.release(tenant, taskId, holder, work));
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, submitter));
  const makespanS = (performance.now() - started) / 1000;

  const doubled = await db.query<{ n: string }>('select count(*) as n from (select task_id from task_awards where tenant_id = $1 group by task_id having count(*) > 1) d', [tenant]);
  const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    strategy: strategy.name,
    tasks: options.tasks,
    agents: agentIds.length,
    makespanS: round(makespanS, 2),
    tasksPerS: round(options.tasks / makespanS),
    assignMs: { p50: round(percentile(assignMs, 0.5)), p99: round(percentile(assignMs, 0.99)) },
    loadGini: round(gini([...busy.values()]), 3),
    taskCountGini: round(gini([...counts.values()]), 3),
    doubleAssignments: Number(doubled.rows[0]?.n ?? 0),
    capacityBreaches: breaches,
    agentsUsed: [...counts.values()].filter((n) => n > 0).length,
    mostTasks: Math.max(0, ...counts.values()),
  };
}

async function main(): Promise<void> {
  const tasks = argument('tasks', 2000);
  const agents = argument('agents', 200);
  const capacity = argument('capacity', 4);
  const parallel = argument('parallel', 100);
  const workMs = argument('work-ms', 40);
  /** Activity slots sized to the database connections, as the memory pool sizes its own (workers/memory.ts). */
  const slots = argument('slots', 20);
  const stack = await startBenchStack('swarm', { dbPoolSize: slots });
  const { db } = stack;
  const outcomes: Outcome[] = [];
  try {
    const stamp = Date.now();
    const tenantFor = (name: string) => `bench-swarm-${name}-${stamp}`;
    const state = createPostgresSwarmState(db);

    const marketTenant = tenantFor('marketplace');
    const marketAgents = await registerAgents(db, marketTenant, agents, capacity);
    outcomes.push(await run(db, marketplaceStrategy(db), marketTenant, marketAgents, { tasks, capacity, parallel, workMs, slots }));

    const rrTenant = tenantFor('round-robin');
    const rrAgents = await registerAgents(db, rrTenant, agents, capacity);
    let turn = 0;
    outcomes.push(await run(db, pickingStrategy('round-robin', state, rrAgents, () => rrAgents[turn++ % rrAgents.length] ?? ''), rrTenant, rrAgents, { tasks, capacity, parallel, workMs, slots }));

    const randomTenant = tenantFor('random');
    const randomAgents = await registerAgents(db, randomTenant, agents, capacity);
    const pickRandom = seededRandom(7);
    outcomes.push(await run(db, pickingStrategy('random', state, randomAgents, () => randomAgents[Math.floor(pickRandom() * randomAgents.length)] ?? ''), randomTenant, randomAgents, { tasks, capacity, parallel, workMs, slots }));
  } finally {
    await stack.stop();
  }

  console.log(`\nswarm marketplace: ${tasks} tasks over ${agents} agents (capacity ${capacity}), ${parallel} submitters, ${slots} activity slots, work ~${workMs} ms (exponential, seeded)\n`);
  console.log('| strategy | tasks/s | assign p50 ms | assign p99 ms | makespan s | load Gini | task-count Gini | agents used | most tasks | double assignments | capacity breaches |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const o of outcomes) {
    console.log(`| ${o.strategy} | ${o.tasksPerS} | ${o.assignMs.p50} | ${o.assignMs.p99} | ${o.makespanS} | ${o.loadGini} | ${o.taskCountGini} | ${o.agentsUsed} | ${o.mostTasks} | ${o.doubleAssignments} | ${o.capacityBreaches} |`);
  }
  const market = outcomes[0];
  if (market) console.log(`\nmarketplace load Gini ${market.loadGini} (target < 0.1; the product's own < 0.3)`);
  console.log(`\n${JSON.stringify({ bench: 'swarm', outcomes })}`);
  if (outcomes.some((o) => o.doubleAssignments > 0 || o.capacityBreaches > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
