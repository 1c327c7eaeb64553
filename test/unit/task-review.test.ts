import { describe, expect, it } from 'vitest';
import { shouldEscalate } from '../../core/decisions/escalation.js';
import { applySupport, REVIEW_OPTIONS, reviewRound, reviewRoundId } from '../../core/tasks/review.js';
import { taskSubmission } from '../../core/tasks/submission.js';
import { reconcileTask } from '../support/tasks.js';

const support = (weights: Record<string, number>) => ({
  score: {
    agreement: [],
    voters: [],
    pairwiseAgreement: 1,
    support: Object.entries(weights).map(([option, weight]) => ({ option, votes: 1, weight })),
    tie: false,
    tieBrokenByLeader: false,
    score: 0,
    quorumReached: true,
    decided: false,
  },
});

describe("a task's peer review", () => {
  it("scores the share of the peers' confidence behind applying; silence is no approval", () => {
    expect(applySupport(support({ apply: 1.7, hold: 0 }))).toBe(1);
    expect(applySupport(support({ apply: 0.6, hold: 0.9 }))).toBe(0.4);
    expect(applySupport(support({ hold: 0.8 }))).toBe(0);
    expect(applySupport({})).toBe(0);
    // Below 0.75 the escalation rules ask a person.
    expect(shouldEscalate({ confidence: 0.95, impact: 'low', policyRequiresApproval: false, similarEpisodes: 3, consensusScore: 0.4 }).reasons).toEqual(['low_consensus']);
    expect(shouldEscalate({ confidence: 0.95, impact: 'low', policyRequiresApproval: false, similarEpisodes: 3, consensusScore: 1 }).escalate).toBe(false);
  });

  it('asks the peers about the concrete effects, leaves the no-agreement case to the task, and bounds the context', () => {
    const task = reconcileTask('acme', { taskId: 'rec-9', input: { note: 'x'.repeat(50_000) } });
    const round = reviewRound(
      { ...task, review: { voters: [{ kind: 'model', model: 'a' }, { kind: 'agent', agentType: 'finance.reconciliation' }, { kind: 'model', model: 'b' }], voteTimeoutMs: 30_000 } },
      {
        plan: { procedure: 'match', steps: [{ tool: 'finance.match_transactions', input: {} }], confidence: 0.9, rationale: 'references match', reasoner: 'playbook' },
        verification: { passed: true, checked: 1, failures: [] },
        impact: 'medium',
        effects: [{ key: 'ledger.adjustment:inv-1:pay-1', kind: 'ledger.adjustment', payload: { amount: 0.5 } }],
      },
    );
    expect(round).toMatchObject({ roundId: reviewRoundId('rec-9'), onNoDecision: 'report', minAgreement: 0.75, quorum: 2, severity: 'medium', voteTimeoutMs: 30_000 });
    expect(round.options.map((o) => o.id)).toEqual(REVIEW_OPTIONS.map((o) => o.id));
    expect(round.question).toContain('1 effect(s)');
    expect(round.context).toContain('ledger.adjustment:inv-1:pay-1');
    expect(round.context.length).toBeLessThanOrEqual(20_001);
  });

  it('takes two to nine peers at the API, each as an agent type or a model', () => {
    const base = { taskId: 't-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: {} };
    expect(taskSubmission.parse({ ...base, review: { voters: [{ model: 'a' }, { agentType: 'hr.onboarding' }] } }).review).toEqual({ voters: [{ model: 'a' }, { agentType: 'hr.onboarding' }], voteTimeoutSeconds: 120 });
    expect(taskSubmission.safeParse({ ...base, review: { voters: [{ model: 'a' }] } }).error?.issues[0]?.path).toEqual(['review', 'voters']);
    expect(taskSubmission.safeParse({ ...base, review: { voters: [{ model: 'a' }, { person: 'bob' }] } }).success).toBe(false);
  });
});
