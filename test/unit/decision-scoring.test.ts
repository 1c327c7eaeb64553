import { describe, expect, it } from 'vitest';
import { adoptedOption, checkApprovalAttempt } from '../../core/decisions/approval.js';
import { agreementMatrix, defaultQuorum, diversifyPool, electLeader, escalationReasons, normaliseChoice, scoreConsensus, type Vote } from '../../core/decisions/consensus.js';
import { DEFAULT_DELEGATION, humanInvolvement } from '../../core/decisions/delegation.js';
import { adaptMinConfidence, DEFAULT_THRESHOLD_BOUNDS, feedbackNote } from '../../core/decisions/feedback.js';
import { comparePriority, escalationChain, parseApprovalId } from '../../core/decisions/requests.js';

const options = [
  { id: 'block', label: 'Block the account' },
  { id: 'monitor', label: 'Monitor only' },
  { id: 'ignore', label: 'Ignore' },
];
const vote = (voter: string, choice: string, confidence: number): Vote => ({ voter, choice, confidence, rationale: `${voter} says ${choice}` });
const rules = { minAgreement: 0.75, quorum: 3 };

describe('consensus scoring', () => {
  it('decides a unanimous round with score 1 and a full agreement matrix', () => {
    const votes = [vote('a', 'block', 0.9), vote('b', 'block', 0.8), vote('c', 'block', 0.6)];
    const score = scoreConsensus(votes, options, rules);
    expect(score).toMatchObject({ leading: 'block', score: 1, decided: true, quorumReached: true, pairwiseAgreement: 1, tie: false });
    expect(score.agreement).toEqual([[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
    expect(score.dissent).toEqual([]);
  });

  it('weights by confidence: a confident majority decides, a hesitant one does not', () => {
    const confident = scoreConsensus([vote('a', 'block', 0.95), vote('b', 'block', 0.95), vote('c', 'block', 0.9), vote('d', 'monitor', 0.3)], options, rules);
    expect(confident.score).toBeCloseTo(2.8 / 3.1, 5);
    expect(confident.decided).toBe(true);
    expect(confident.dissent.map((v) => v.voter)).toEqual(['d']);
    const hesitant = scoreConsensus([vote('a', 'block', 0.4), vote('b', 'block', 0.4), vote('c', 'monitor', 0.9)], options, rules);
    expect(hesitant.leading).toBe('monitor');
    expect(hesitant.decided).toBe(false);
    expect(hesitant.pairwiseAgreement).toBeCloseTo(1 / 3, 5);
  });

  it('leaves a tie open unless the leader voted for one of the tied options', () => {
    const votes = [vote('agent:x', 'block', 0.8), vote('agent:y', 'monitor', 0.8)];
    const open = scoreConsensus(votes, options, { minAgreement: 0.5, quorum: 2 });
    expect(open).toMatchObject({ tie: true, leading: undefined, decided: false, score: 0 });
    const led = scoreConsensus(votes, options, { minAgreement: 0.5, quorum: 2, leader: 'agent:y' });
    expect(led).toMatchObject({ tie: true, tieBrokenByLeader: true, leading: 'monitor', score: 0.5, decided: true });
  });

  it('does not decide without a quorum, and says why', () => {
    const score = scoreConsensus([vote('a', 'block', 1), vote('b', 'block', 1)], options, rules);
    expect(score.decided).toBe(false);
    const reasons = escalationReasons(score, rules, [{ voter: 'c', reason: 'late', message: 'no vote' }, { voter: 'd', reason: 'failed', message: 'boom' }]);
    expect(reasons).toEqual(['quorum not reached: 2 vote(s), 3 needed', '1 voter(s) did not answer in time', '1 voter(s) failed']);
    expect(defaultQuorum(4)).toBe(3);
    expect(defaultQuorum(5)).toBe(3);
    expect(agreementMatrix([])).toEqual([]);
  });

  it('normalises free answers to options and spreads a model pool over distinct models', () => {
    expect(normaliseChoice('block', options)).toBe('block');
    expect(normaliseChoice('  Monitor ONLY ', options)).toBe('monitor');
    expect(normaliseChoice('I would block the account now', options)).toBe('block');
    expect(normaliseChoice('launch rockets', options)).toBeUndefined();
    expect(diversifyPool([{ kind: 'model', model: 'm1' }, { kind: 'model', model: 'm1' }], ['m1', 'm2', 'm3'], 2)).toEqual([
      { kind: 'model', model: 'm1' },
      { kind: 'model', model: 'm1' },
      { kind: 'model', model: 'm2' },
    ]);
    expect(diversifyPool([{ kind: 'agent', agentType: 'x' }], ['m1'], 2)).toEqual([{ kind: 'agent', agentType: 'x' }]);
    expect(diversifyPool([{ kind: 'model', model: 'm1' }], [], 2)).toHaveLength(1);
  });

  it('elects the lead agent from success history', () => {
    expect(electLeader([{ voter: 'agent:a', uses: 10, successes: 6 }, { voter: 'agent:b', uses: 8, successes: 8 }, { voter: 'agent:c', uses: 0, successes: 0 }])).toBe('agent:b');
    expect(electLeader([{ voter: 'agent:a', uses: 3, successes: 0 }])).toBeUndefined();
  });
});

describe('human-in-the-loop rules', () => {
  const escalation = { reasons: ['low_confidence' as const], described: ['confidence 0.50 is below 0.7'] };
  const effects = [{ key: 'e1', kind: 'ledger.adjustment', payload: {} }];

  it('maps each delegation mode to what the task does about people', () => {
    expect(humanInvolvement(DEFAULT_DELEGATION, escalation, effects)).toEqual({ kind: 'approve_before', reasons: escalation.described });
    expect(humanInvolvement(DEFAULT_DELEGATION, { reasons: [], described: [] }, effects)).toEqual({ kind: 'none' });
    expect(humanInvolvement({ ...DEFAULT_DELEGATION, listedActions: ['ledger.adjustment'] }, { reasons: [], described: [] }, effects)).toEqual({
      kind: 'approve_before',
      reasons: ['ledger.adjustment is a listed action that needs approval'],
    });
    expect(humanInvolvement({ ...DEFAULT_DELEGATION, mode: 'full_automation' }, escalation, effects)).toEqual({ kind: 'none' });
    expect(humanInvolvement({ ...DEFAULT_DELEGATION, mode: 'full_automation' }, { reasons: ['policy'], described: ['policy requires a human decision'] }, effects)).toMatchObject({ kind: 'approve_before' });
    expect(humanInvolvement({ ...DEFAULT_DELEGATION, mode: 'human_in_the_loop' }, { reasons: [], described: [] }, effects).kind).toBe('approve_before');
    expect(humanInvolvement({ ...DEFAULT_DELEGATION, mode: 'human_on_the_loop', revertWindowMs: 5000 }, escalation, effects)).toEqual({ kind: 'notify_after', reasons: escalation.described, revertWindowMs: 5000 });
  });

  it('adapts the confidence threshold within bounds, only after enough decisions', () => {
    expect(adaptMinConfidence(0.7, { decisions: 3, approved: 3 })).toBe(0.7);
    expect(adaptMinConfidence(0.7, { decisions: 10, approved: 10 })).toBe(0.68);
    expect(adaptMinConfidence(0.7, { decisions: 10, approved: 2 })).toBe(0.72);
    expect(adaptMinConfidence(0.7, { decisions: 10, approved: 7 })).toBe(0.7);
    expect(adaptMinConfidence(DEFAULT_THRESHOLD_BOUNDS.min, { decisions: 10, approved: 10 })).toBe(DEFAULT_THRESHOLD_BOUNDS.min);
    expect(adaptMinConfidence(DEFAULT_THRESHOLD_BOUNDS.max, { decisions: 10, approved: 0 })).toBe(DEFAULT_THRESHOLD_BOUNDS.max);
  });

  it('orders the inbox by severity, then age, and walks a bounded escalation chain', () => {
    const requests = [
      { id: 'old-low', severity: 'low' as const, requestedAt: '2026-01-01T00:00:00Z' },
      { id: 'new-critical', severity: 'critical' as const, requestedAt: '2026-01-03T00:00:00Z' },
      { id: 'old-critical', severity: 'critical' as const, requestedAt: '2026-01-02T00:00:00Z' },
    ];
    expect([...requests].sort(comparePriority).map((r) => r.id)).toEqual(['old-critical', 'new-critical', 'old-low']);
    expect(escalationChain(1000, [])).toEqual([{ name: 'approvers', timeoutMs: 1000 }]);
    expect(escalationChain(1000, [{ name: 'leads', group: 'leads', members: ['ann'], timeoutMs: 5 }, { name: 'cfo', timeoutMs: 9 }])).toEqual([
      { name: 'leads', group: 'leads', members: ['ann'], timeoutMs: 1000 },
      { name: 'cfo', timeoutMs: 9 },
    ]);
    expect(parseApprovalId('consensus.r-1')).toEqual({ kind: 'consensus', id: 'r-1' });
    expect(parseApprovalId('nothing.r-1')).toBeUndefined();
  });

  it('refuses approvers outside the tier group and the requester', () => {
    const tier = { name: 'leads', group: 'leads', members: ['ann'] };
    expect(checkApprovalAttempt({ approverId: 'bob' }, { waiting: true, requestedBy: 'sue', tier })).toMatchObject({ kind: 'forbidden', message: 'bob is not in the approver group leads of tier leads' });
    expect(checkApprovalAttempt({ approverId: 'ann' }, { waiting: true, requestedBy: 'sue', tier })).toBeUndefined();
    expect(checkApprovalAttempt({ approverId: 'sue' }, { waiting: true, requestedBy: 'sue', subject: 'request' })).toMatchObject({ message: 'sue submitted this request and cannot approve it' });
    expect(checkApprovalAttempt({ approverId: 'ann' }, { waiting: false, requestedBy: 'sue' })).toMatchObject({ kind: 'not_waiting' });
  });
});

describe('choosing among a request’s options', () => {
  const round = { ids: ['block', 'monitor'], proposed: 'block' };
  const open = (decision: 'approve' | 'reject', options: { ids: string[]; proposed?: string } | undefined = round) => ({ waiting: true, requestedBy: 'soc-bot', decision, options });

  it('accepts any of the options on approval, the proposal without a pick, and refuses the rest as invalid', () => {
    expect(checkApprovalAttempt({ approverId: 'ann', option: 'monitor' }, open('approve'))).toBeUndefined();
    expect(checkApprovalAttempt({ approverId: 'ann' }, open('approve'))).toBeUndefined();
    expect(adoptedOption('approve', {}, round)).toBe('block');
    expect(adoptedOption('approve', { option: 'monitor' }, round)).toBe('monitor');
    expect(adoptedOption('reject', {}, round)).toBeUndefined();
    expect(checkApprovalAttempt({ approverId: 'ann', option: 'ignore' }, open('approve'))).toMatchObject({ kind: 'invalid' });
    expect(checkApprovalAttempt({ approverId: 'ann', option: 'monitor' }, open('reject'))).toMatchObject({ kind: 'invalid' });
    expect(checkApprovalAttempt({ approverId: 'ann', option: 'monitor' }, { waiting: true, requestedBy: 'soc-bot', decision: 'approve' })).toMatchObject({ kind: 'invalid', message: 'this request has no options to choose from' });
    // A tie nobody broke proposes nothing: approving needs a pick.
    expect(checkApprovalAttempt({ approverId: 'ann' }, open('approve', { ids: round.ids }))).toMatchObject({ kind: 'invalid' });
  });

  it('reads a different option as a correction in the feedback note', () => {
    expect(feedbackNote({ decision: 'approve', approverId: 'ann', reason: 'human', option: 'monitor' }, 'block')).toBe('corrected: chose monitor over the proposed block by ann');
    expect(feedbackNote({ decision: 'approve', approverId: 'ann', reason: 'human', option: 'block' }, 'block')).toBe('approved as proposed (block) by ann');
  });
});
