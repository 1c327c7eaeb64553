import {
  forgetRequest,
  memoryFilters,
  procedureRankingRequest,
  searchMemoryRequest,
  storeMemoryRequest,
  tierRequest,
  type ForgetRequest,
  type MemoryHit,
  type ProcedureRankingRequest,
  type RankedProcedure,
  type SearchMemoryRequest,
  type StoreMemoryRequest,
  type TierRequest,
} from '../../core/memory/requests.js';
import { episodeText, humanCommentText, procedureText, situationText } from '../../core/memory/texts.js';
import type { JsonObject } from '../../core/tasks/json.js';
import type { AuditEntry, EpisodeSummary, LearnRequest, ProcedureStats, RecalledMemory, RetrievedContext, TaskRef } from '../../core/tasks/steps.js';
import type { Db } from '../../infra/db/pool.js';
import { appendAudit } from '../audit/activities.js';
import type { EmbeddingService } from './embeddings/service.js';
import { createScopeCounts, searchKinds, type SearchTrace } from './search.js';
import { insertEpisode, insertSemantic, recordUsage, upsertProcedure, type Embedded, type Written } from './store.js';
import { inTenant } from './tenant-tx.js';
import { forgetExpiredMemories, listMemoryTenants, type RetentionRequest, type TenantPageRequest } from './upkeep.js';

export interface MemorySettings {
  /** Below this cosine similarity a past episode is not "similar" (and a fact not relevant). */
  similarityMin: number;
  /** Scopes (tenant + dimension) up to this many rows are searched exactly. */
  exactScanMaxRows: number;
  /** Default age, in days, after which episodes move to the cold table. */
  coldAfterDays: number;
}

export const DEFAULT_MEMORY_SETTINGS: MemorySettings = { similarityMin: 0.75, exactScanMaxRows: 20_000, coldAfterDays: 90 };

export interface MemoryDeps {
  db: Db;
  embeddings: EmbeddingService;
  settings?: Partial<MemorySettings>;
}

const SIMILAR_EPISODES = 5;
const SHARED_PROCEDURES = 3;
const KNOWLEDGE = 3;
const RECALL_CLIP = 400;

const agentOf = (task: TaskRef) => task.agentId ?? task.agentType;

function recalled(hit: MemoryHit): RecalledMemory {
  const uses = Number(hit.metadata.uses ?? 0);
  const successes = Number(hit.metadata.successes ?? 0);
  return {
    memoryId: hit.memoryId,
    kind: hit.kind,
    agentType: hit.agentType,
    taskType: hit.taskType,
    content: hit.content.length > RECALL_CLIP ? `${hit.content.slice(0, RECALL_CLIP)}…` : hit.content,
    similarity: Number(hit.similarity.toFixed(4)),
    ...(hit.kind === 'procedural' ? { successRate: uses === 0 ? 0 : successes / uses } : {}),
  };
}

/**
 * Episodic, semantic and procedural memory on PostgreSQL + pgvector: the task loop's Retrieve and Learn steps, and
 * the memory operations (store, search, rank, forget, tier) as activities of the `memory` pool. Every database
 * touch runs as the memory role inside a tenant transaction (row-level security) and filters by tenant as well.
 */
export function createMemoryActivities({ db, embeddings, settings: overrides }: MemoryDeps) {
  const settings = { ...DEFAULT_MEMORY_SETTINGS, ...overrides };
  const searchSettings = { model: embeddings.model, dims: embeddings.dims, exactScanMaxRows: settings.exactScanMaxRows, scopeCounts: createScopeCounts() };
  const embedded = (vector: number[]): Embedded => ({ model: embeddings.model, dims: embeddings.dims, vector });

  async function rankProceduresIn(client: Parameters<Parameters<typeof inTenant>[2]>[0], req: ReturnType<typeof procedureRankingRequest.parse>): Promise<RankedProcedure[]> {
    const params: unknown[] = [req.tenant, req.taskType, req.limit];
    const byAgent = req.agentType ? `and agent_type = $${params.push(req.agentType)}` : '';
    const { rows } = await client.query<{ memory_id: string; agent_type: string; procedure: string; task_type: string; steps: string[]; uses: number; successes: number }>(
      `select memory_id, agent_type, procedure, task_type, steps, uses, successes from procedures
        where tenant_id = $1 and task_type = $2 ${byAgent}
        order by successes::float8 / greatest(uses, 1) desc, uses desc, procedure limit $3`,
      params,
    );
    return rows.map((r) => ({
      memoryId: r.memory_id,
      agentType: r.agent_type,
      procedure: r.procedure,
      taskType: r.task_type,
      steps: r.steps,
      uses: r.uses,
      successes: r.successes,
      successRate: r.uses === 0 ? 0 : r.successes / r.uses,
    }));
  }

  return {
    /**
     * Retrieve: similar successful episodes of this task type (by meaning, from any agent of the tenant), this
     * agent type's procedures ranked by success rate, other agent types' fitting procedures, and relevant facts.
     */
    async retrieveContext({ task, input }: { task: TaskRef; input: JsonObject }): Promise<RetrievedContext> {
      const query = situationText(task.taskType, task.agentType, input);
      const { vectors, usage } = await embeddings.embedDocuments([query], { tenant: task.tenant, agentId: agentOf(task) });
      const vector = vectors[0]!;
      return inTenant(db, task.tenant, async (client) => {
        await recordUsage(client, usage);
        const search = (k: number, filters: Parameters<typeof memoryFilters.parse>[0]) =>
          searchKinds(client, task.tenant, vector, k, memoryFilters.parse(filters), searchSettings).then((r) => r.hits);
        const episodes = await search(SIMILAR_EPISODES, {
          kinds: ['episodic'],
          taskType: task.taskType,
          successOnly: true,
          excludeTaskId: task.taskId,
          minSimilarity: settings.similarityMin,
        });
        const similarEpisodes: EpisodeSummary[] = episodes.map((hit) => ({
          taskId: String(hit.metadata.taskId),
          success: hit.success === true,
          procedure: String(hit.metadata.procedure),
          createdAt: hit.createdAt,
          outcome: String(hit.metadata.outcome),
          similarity: Number(hit.similarity.toFixed(4)),
        }));
        const ranked = await rankProceduresIn(client, procedureRankingRequest.parse({ tenant: task.tenant, taskType: task.taskType, agentType: task.agentType }));
        const procedures: ProcedureStats[] = ranked.map((p) => ({ procedure: p.procedure, uses: p.uses, successRate: p.successRate }));
        const shared = await search(SHARED_PROCEDURES, { kinds: ['procedural'], excludeAgentType: task.agentType, minSimilarity: settings.similarityMin - 0.25 });
        const knowledge = await search(KNOWLEDGE, { kinds: ['semantic'], minSimilarity: settings.similarityMin - 0.25 });
        return { similarEpisodes, procedures, sharedProcedures: shared.map(recalled), knowledge: knowledge.map(recalled) };
      });
    },

    /**
     * Learn: the episode (unique per task), the procedure's use and success counted in the same transaction — so a
     * retried Learn neither duplicates the episode nor counts twice — and a person's comment as semantic memory.
     */
    async learnFromTask(req: LearnRequest): Promise<{ recorded: boolean }> {
      const { task } = req;
      const agentId = agentOf(task);
      const tools = req.plan.steps.map((s) => s.tool);
      const situation = situationText(task.taskType, task.agentType, req.input);
      const comment = req.humanComment?.trim();
      const texts = [
        episodeText(situation, req.plan.procedure, tools, req.outcome, comment),
        procedureText(req.plan.procedure, task.taskType, task.agentType, tools),
        ...(comment ? [humanCommentText(req.humanDecision ?? 'decide', task.taskType, comment)] : []),
      ];
      const { vectors, usage } = await embeddings.embedDocuments(texts, { tenant: task.tenant, agentId });
      const actor = { tenant: task.tenant, agentId, agentType: task.agentType };
      return inTenant(db, task.tenant, async (client) => {
        await recordUsage(client, usage);
        const episode = await insertEpisode(
          client,
          {
            ...actor,
            kind: 'episodic',
            taskId: task.taskId,
            taskType: task.taskType,
            procedure: req.plan.procedure,
            outcome: req.outcome,
            success: req.success,
            situation: req.input,
            actions: req.outputs.map((o) => ({ tool: o.tool, ok: o.ok, error: o.error ?? null })),
            content: texts[0]!,
            metadata: {},
          },
          embedded(vectors[0]!),
          { impact: req.impact, confidence: req.plan.confidence, reasoner: req.plan.reasoner, humanDecision: req.humanDecision ?? null, humanComment: req.humanComment ?? null },
        );
        if (!episode.created) return { recorded: false };
        await upsertProcedure(
          client,
          { ...actor, kind: 'procedural', taskType: task.taskType, procedure: req.plan.procedure, steps: tools, content: texts[1]!, metadata: {} },
          embedded(vectors[1]!),
          { success: req.success },
        );
        if (comment) {
          await insertSemantic(
            client,
            {
              ...actor,
              kind: 'semantic',
              sourceKey: `task:${task.taskId}:human-comment`,
              taskType: task.taskType,
              content: texts[2]!,
              metadata: { taskId: task.taskId, decision: req.humanDecision ?? null, source: 'human' },
            },
            embedded(vectors[2]!),
          );
        }
        return { recorded: true };
      });
    },

    /** Stores one memory of any kind; idempotent on its business key (task, source key, or procedure). */
    async storeMemory(request: StoreMemoryRequest): Promise<Written> {
      const m = storeMemoryRequest.parse(request);
      const { vectors, usage } = await embeddings.embedDocuments([m.content], { tenant: m.tenant, agentId: m.agentId });
      const e = embedded(vectors[0]!);
      return inTenant(db, m.tenant, async (client) => {
        await recordUsage(client, usage);
        if (m.kind === 'episodic') return insertEpisode(client, m, e);
        if (m.kind === 'semantic') return insertSemantic(client, m, e);
        return upsertProcedure(client, m, e);
      });
    },

    /** Top-k memories by meaning within one tenant, with filters; other agents' memories included unless filtered. */
    async searchMemory(request: SearchMemoryRequest): Promise<{ hits: MemoryHit[]; trace: SearchTrace[] }> {
      const req = searchMemoryRequest.parse(request);
      const { vectors, usage } = await embeddings.embedDocuments([req.query], { tenant: req.tenant, agentId: req.agentId });
      return inTenant(db, req.tenant, async (client) => {
        await recordUsage(client, usage);
        return searchKinds(client, req.tenant, vectors[0]!, req.k, req.filters, searchSettings);
      });
    },

    /** Procedures for a task type (any agent type unless one is given), best success rate first. */
    async rankProcedures(request: ProcedureRankingRequest): Promise<RankedProcedure[]> {
      const req = procedureRankingRequest.parse(request);
      return inTenant(db, req.tenant, (client) => rankProceduresIn(client, req));
    },

    /** Forgets one memory, everything an agent (or every agent of a type) wrote, or a whole tenant (retention, GDPR erasure), cold tier included. */
    /**
     * Forgets what the request names. With `record`, the erasure's audit entry (its details completed with the
     * count) is appended in the same transaction: an erasure never happens without its record, nor the reverse.
     */
    async forgetMemories(request: ForgetRequest, record?: Omit<AuditEntry, 'tenant'>): Promise<{ deleted: number }> {
      const req = forgetRequest.parse(request);
      const tables = ['episodes', 'episodes_cold', 'procedures', 'semantic_memories'];
      return inTenant(db, req.tenant, async (client) => {
        let deleted = 0;
        for (const table of tables) {
          const params: unknown[] = [req.tenant];
          let where = 'tenant_id = $1';
          if (req.scope === 'memory') where += ` and memory_id = $${params.push(req.memoryId)}`;
          if (req.scope === 'agent') where += ` and agent_id = $${params.push(req.agentId)}`;
          if (req.scope === 'agentType') where += ` and agent_type = $${params.push(req.agentType)}`;
          deleted += (await client.query(`delete from ${table} where ${where}`, params)).rowCount ?? 0;
        }
        if (req.scope === 'tenant') await client.query('delete from embedding_usage where tenant_id = $1', [req.tenant]);
        if (req.scope === 'agent') await client.query('delete from embedding_usage where tenant_id = $1 and agent_id = $2', [req.tenant, req.agentId]);
        if (record) await appendAudit(client, { ...record, tenant: req.tenant, details: { ...record.details, deleted } });
        return { deleted };
      });
    },

    /** Moves episodes older than the configured age to the cold table (no vector index; kept for audit and erasure). */
    async tierEpisodes(request: TierRequest): Promise<{ moved: number }> {
      const req = tierRequest.parse(request);
      const days = req.olderThanDays ?? settings.coldAfterDays;
      return inTenant(db, req.tenant, async (client) => {
        const result = await client.query(
          `with moved as (
             delete from episodes where memory_id in (
               select memory_id from episodes where tenant_id = $1 and created_at < now() - $2::float8 * interval '1 day'
                order by created_at limit $3)
             returning *)
           insert into episodes_cold select moved.*, now() from moved`,
          [req.tenant, days, req.batchSize],
        );
        return { moved: result.rowCount ?? 0 };
      });
    },

    /** The upkeep's walk over tenants: a page of tenant ids after a cursor, in order. */
    async listMemoryTenants(request: TenantPageRequest): Promise<string[]> {
      return listMemoryTenants(db, request);
    },

    /** Retention: forgets one batch of one tenant's episodes (hot and cold) and facts older than the given age. */
    async forgetExpiredMemories(request: RetentionRequest): Promise<{ deleted: number; more: boolean }> {
      return forgetExpiredMemories(db, request);
    },

    /**
     * Embeds rows written before vector memory existed (their embedding is missing), a batch at a time, for one
     * tenant. Safe to repeat: it only touches rows still without an embedding.
     */
    async embedPendingMemories({ tenant, limit = 500 }: { tenant: string; limit?: number }): Promise<{ embedded: number }> {
      const pending = await inTenant(db, tenant, async (client) => {
        const { rows } = await client.query<{ table_name: string; memory_id: string; agent_id: string; content: string }>(
          `(select 'episodes' as table_name, memory_id, agent_id, content from episodes where tenant_id = $1 and embedding is null limit $2)
           union all
           (select 'procedures', memory_id, agent_id, content from procedures where tenant_id = $1 and embedding is null limit $2)`,
          [tenant, limit],
        );
        return rows;
      });
      if (pending.length === 0) return { embedded: 0 };
      const { vectors, usage } = await embeddings.embedDocuments(pending.map((r) => r.content), { tenant, agentId: 'memory.backfill' });
      await inTenant(db, tenant, async (client) => {
        await recordUsage(client, usage);
        for (const [i, row] of pending.entries()) {
          await client.query(
            `update ${row.table_name === 'episodes' ? 'episodes' : 'procedures'} set embedding = $1::vector, embedding_model = $2, dims = $3
              where tenant_id = $4 and memory_id = $5 and embedding is null`,
            [`[${vectors[i]!.join(',')}]`, embeddings.model, embeddings.dims, tenant, row.memory_id],
          );
        }
      });
      return { embedded: pending.length };
    },
  };
}
export type MemoryActivities = ReturnType<typeof createMemoryActivities>;
