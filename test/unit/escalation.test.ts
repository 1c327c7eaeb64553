import { describe, expect, it } from 'vitest';
import { describeEscalation, shouldEscalate, type EscalationInput } from '../../core/decisions/escalation.js';

const routine: EscalationInput = { confidence: 0.9, impact: 'low', policyRequiresApproval: false, similarEpisodes: 3 };

describe('shouldEscalate', () => {
  it('lets a confident, low-impact, familiar decision through', () => {
    expect(shouldEscalate(routine)).toEqual({ escalate: false, reasons: [] });
  });

  it.each([
    [{ confidence: 0.69 }, 'low_confidence'],
    [{ impact: 'high' as const }, 'high_impact'],
    [{ impact: 'critical' as const }, 'high_impact'],
    [{ policyRequiresApproval: true }, 'policy'],
    [{ consensusScore: 0.74 }, 'low_consensus'],
    [{ similarEpisodes: 0 }, 'novel_situation'],
  ])('escalates on %o (%s)', (change, reason) => {
    const decision = shouldEscalate({ ...routine, ...change });
    expect(decision.escalate).toBe(true);
    expect(decision.reasons).toEqual([reason]);
  });

  it('treats the thresholds as inclusive lower bounds', () => {
    expect(shouldEscalate({ ...routine, confidence: 0.7, consensusScore: 0.75 }).escalate).toBe(false);
    expect(shouldEscalate({ ...routine, impact: 'medium' }).escalate).toBe(false);
  });

  it('collects every reason that applies, and explains each in words', () => {
    const input: EscalationInput = { confidence: 0.5, impact: 'high', policyRequiresApproval: true, consensusScore: 0.5, similarEpisodes: 0 };
    const decision = shouldEscalate(input);
    expect(decision.reasons).toEqual(['low_confidence', 'high_impact', 'policy', 'low_consensus', 'novel_situation']);
    expect(decision.reasons.map((r) => describeEscalation(r, input))).toEqual([
      'confidence 0.50 is below 0.7',
      'estimated impact is high',
      'policy requires a human decision',
      'consensus 0.50 is below 0.75',
      'no similar past episode to learn from',
    ]);
  });
});
