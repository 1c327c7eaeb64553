import { inputShape } from '../../core/tasks/shape.js';
import type { EpisodeSummary, LearnRequest, ProcedureStats, RetrievedContext, TaskRef } from '../../core/tasks/steps.js';
import type { JsonObject } from '../../core/tasks/json.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';

export interface MemoryDeps {
  db: Db;
}

const SIMILAR_EPISODES = 5;

/** Retrieve and Learn: what the swarm remembers of past tasks (episodes) and how well procedures work. */
export function createMemoryActivities({ db }: MemoryDeps) {
  return {
    async retrieveContext({ task, input }: { task: TaskRef; input: JsonObject }): Promise<RetrievedContext> {
      const episodes = await db.query<{ task_id: string; success: boolean; procedure: string; created_at: Date; outcome: string }>(
        `select task_id, success, procedure, created_at, outcome from episodes
          where tenant_id = $1 and agent_type = $2 and task_type = $3 and input_shape = $4 and success and task_id <> $5
          order by created_at desc limit $6`,
        [task.tenant, task.agentType, task.taskType, inputShape(input), task.taskId, SIMILAR_EPISODES],
      );
      const procedures = await db.query<{ procedure: string; uses: number; successes: number }>(
        `select procedure, uses, successes from procedures where tenant_id = $1 and agent_type = $2 and task_type = $3
          order by successes::float / greatest(uses, 1) desc, uses desc`,
        [task.tenant, task.agentType, task.taskType],
      );
      const similarEpisodes: EpisodeSummary[] = episodes.rows.map((row) => ({
        taskId: row.task_id,
        success: row.success,
        procedure: row.procedure,
        createdAt: row.created_at.toISOString(),
        outcome: row.outcome,
      }));
      const stats: ProcedureStats[] = procedures.rows.map((row) => ({
        procedure: row.procedure,
        uses: row.uses,
        successRate: row.uses === 0 ? 0 : row.successes / row.uses,
      }));
      return { similarEpisodes, procedures: stats };
    },

    /**
     * Records the episode and counts the procedure's use in one transaction. The episode is unique per task, so a
     * retried Learn (e.g. after a worker crash) neither duplicates the episode nor counts the use twice.
     */
    async learnFromTask(req: LearnRequest): Promise<{ recorded: boolean }> {
      return inTransaction(db, async (client) => {
        const inserted = await client.query(
          `insert into episodes (tenant_id, task_id, agent_type, task_type, procedure, input_shape, situation, actions, outcome, success, details)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           on conflict (tenant_id, task_id) do nothing`,
          [
            req.task.tenant,
            req.task.taskId,
            req.task.agentType,
            req.task.taskType,
            req.plan.procedure,
            inputShape(req.input),
            JSON.stringify(req.input),
            JSON.stringify(req.outputs.map((o) => ({ tool: o.tool, ok: o.ok, error: o.error ?? null }))),
            req.outcome,
            req.success,
            JSON.stringify({ impact: req.impact, confidence: req.plan.confidence, reasoner: req.plan.reasoner, humanDecision: req.humanDecision ?? null, humanComment: req.humanComment ?? null }),
          ],
        );
        if (inserted.rowCount !== 1) return { recorded: false };
        await client.query(
          `insert into procedures (tenant_id, agent_type, task_type, procedure, uses, successes) values ($1, $2, $3, $4, 1, $5)
           on conflict (tenant_id, agent_type, task_type, procedure)
           do update set uses = procedures.uses + 1, successes = procedures.successes + excluded.successes, updated_at = now()`,
          [req.task.tenant, req.task.agentType, req.task.taskType, req.plan.procedure, req.success ? 1 : 0],
        );
        return { recorded: true };
      });
    },
  };
}
export type MemoryActivities = ReturnType<typeof createMemoryActivities>;
