import type { ConsensusOption, Vote, VoterFailure } from '../../core/decisions/consensus.js';
import type { JsonObject } from '../../core/tasks/json.js';
import { inTransaction, type Db } from '../../infra/db/pool.js';

export interface RoundRef {
  tenant: string;
  roundId: string;
  workflowId: string;
}

/** Every vote (and every voter that failed or came late) is an audit record and a row of the round. */
export async function recordVotes(db: Db, round: RoundRef, votes: readonly Vote[], failures: readonly VoterFailure[]): Promise<void> {
  await inTransaction(db, async (client) => {
    const rows = [
      ...votes.map((v) => ({ voter: v.voter, status: 'voted', choice: v.choice, confidence: v.confidence, rationale: v.rationale, details: { choice: v.choice, confidence: v.confidence, rationale: v.rationale, model: v.model ?? null } })),
      ...failures.map((f) => ({ voter: f.voter, status: f.reason, choice: null, confidence: null, rationale: f.message, details: { status: f.reason, message: f.message } })),
    ];
    for (const row of rows) {
      await client.query(
        `insert into consensus_votes (tenant_id, round_id, voter, status, choice, confidence, rationale) values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (tenant_id, round_id, voter) do nothing`,
        [round.tenant, round.roundId, row.voter, row.status, row.choice, row.confidence, row.rationale],
      );
      await client.query(
        `insert into audit_log (tenant_id, task_id, kind, actor, details, idempotency_key) values ($1, $2, $3, $4, $5, $6)
         on conflict (idempotency_key) do nothing`,
        [round.tenant, round.roundId, row.status === 'voted' ? 'consensus.vote' : `consensus.vote_${row.status}`, row.voter, JSON.stringify(row.details), `${round.workflowId}:vote:${row.voter}`],
      );
    }
  });
}

export interface RoundOutcome {
  question: string;
  options: ConsensusOption[];
  status: 'decided' | 'escalated_approved' | 'escalated_rejected' | 'no_decision';
  decision: string | null;
  score: number;
  quorumReached: boolean;
  expected: string | null;
  summary: JsonObject;
  actor: string;
}

export async function recordConsensusOutcome(db: Db, round: RoundRef, outcome: RoundOutcome): Promise<void> {
  await inTransaction(db, async (client) => {
    await client.query(
      `insert into consensus_rounds (tenant_id, id, question, options, status, decision, score, quorum_reached, expected, summary)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (tenant_id, id) do nothing`,
      [round.tenant, round.roundId, outcome.question, JSON.stringify(outcome.options), outcome.status, outcome.decision, outcome.score, outcome.quorumReached, outcome.expected, JSON.stringify(outcome.summary)],
    );
    await client.query(
      `insert into audit_log (tenant_id, task_id, kind, actor, details, idempotency_key) values ($1, $2, 'consensus.outcome', $3, $4, $5)
       on conflict (idempotency_key) do nothing`,
      [round.tenant, round.roundId, outcome.actor, JSON.stringify({ status: outcome.status, decision: outcome.decision, score: outcome.score, quorumReached: outcome.quorumReached }), `${round.workflowId}:outcome`],
    );
  });
}

/** Success history per agent type (for a task type, when given), from procedural memory: who may lead the round. */
export async function leaderHistory(db: Db, tenant: string, agentTypes: readonly string[], taskType?: string) {
  if (agentTypes.length === 0) return [];
  const rows = await db.query<{ agent_type: string; uses: number; successes: number }>(
    `select agent_type, sum(uses)::int as uses, sum(successes)::int as successes from procedures
     where tenant_id = $1 and agent_type = any($2) and ($3::text is null or task_type = $3) group by agent_type`,
    [tenant, agentTypes, taskType ?? null],
  );
  return rows.rows.map((r) => ({ voter: `agent:${r.agent_type}`, uses: r.uses, successes: r.successes }));
}
