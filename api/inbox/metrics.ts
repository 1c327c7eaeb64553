import type { Db } from '../../infra/db/pool.js';
import type { z } from 'zod';
import type { decisionMetrics } from '../schemas.js';

type DecisionMetrics = z.infer<typeof decisionMetrics>;

const HISTOGRAM_BUCKETS = 5;

/**
 * The decision metrics of one tenant. A "decision" is a task that reached its decision point (completed or rejected)
 * or a consensus round; the human approval rate is the share that needed a person.
 */
export async function decisionMetricsOf(db: Db, tenant: string): Promise<DecisionMetrics> {
  const [tasks, requests, times, rounds, histogram, thresholds] = await Promise.all([
    db.query<{ n: number }>(`select count(distinct task_id)::int as n from audit_log where tenant_id = $1 and kind in ('task.completed', 'task.rejected')`, [tenant]),
    db.query<{ status: string; n: number }>('select status, count(*)::int as n from approval_requests where tenant_id = $1 group by status', [tenant]),
    db.query<{ count: number; p50: number | null; p90: number | null; max: number | null }>(
      `select count(*)::int as count,
         percentile_cont(0.5) within group (order by s) as p50, percentile_cont(0.9) within group (order by s) as p90, max(s) as max
       from (select extract(epoch from (decided_at - requested_at))::float8 as s from approval_requests
             where tenant_id = $1 and status in ('approved', 'rejected')) d`,
      [tenant],
    ),
    db.query<{ rounds: number; decided: number; labelled: number; correct: number }>(
      `select count(*)::int as rounds, count(*) filter (where status = 'decided')::int as decided,
         count(*) filter (where expected is not null)::int as labelled,
         count(*) filter (where expected is not null and decision = expected)::int as correct
       from consensus_rounds where tenant_id = $1`,
      [tenant],
    ),
    db.query<{ bucket: number; n: number }>(
      `select least(floor(score * $2)::int, $2 - 1) as bucket, count(*)::int as n from consensus_rounds where tenant_id = $1 group by 1`,
      [tenant, HISTOGRAM_BUCKETS],
    ),
    db.query<{ agent_type: string; min_confidence: number; decisions_seen: number }>(
      'select agent_type, min_confidence, decisions_seen from escalation_thresholds where tenant_id = $1 order by agent_type',
      [tenant],
    ),
  ]);
  const count = (status: string) => requests.rows.find((r) => r.status === status)?.n ?? 0;
  const humanRequests = requests.rows.reduce((sum, r) => sum + r.n, 0);
  const round = rounds.rows[0] ?? { rounds: 0, decided: 0, labelled: 0, correct: 0 };
  const decisions = (tasks.rows[0]?.n ?? 0) + round.rounds;
  const time = times.rows[0];
  return {
    tenant,
    decisions,
    humanRequests,
    humanApprovalRate: decisions === 0 ? 0 : Math.round((humanRequests / decisions) * 1000) / 1000,
    outcomes: { pending: count('pending'), approved: count('approved'), rejected: count('rejected'), timedOut: count('timed_out') },
    timeToDecisionSeconds: { count: time?.count ?? 0, p50: time?.p50 ?? null, p90: time?.p90 ?? null, max: time?.max ?? null },
    consensus: {
      rounds: round.rounds,
      decidedWithoutHuman: round.decided,
      scoreHistogram: Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => ({
        from: i / HISTOGRAM_BUCKETS,
        to: (i + 1) / HISTOGRAM_BUCKETS,
        rounds: histogram.rows.find((r) => r.bucket === i)?.n ?? 0,
      })),
      labelled: round.labelled,
      accuracy: round.labelled === 0 ? null : round.correct / round.labelled,
    },
    thresholds: thresholds.rows.map((t) => ({ agentType: t.agent_type, minConfidence: t.min_confidence, decisionsSeen: t.decisions_seen })),
  };
}
