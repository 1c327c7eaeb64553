import type { Impact } from '../tasks/task.js';

/** The whitepaper's escalation triggers (§1.6 A), as data so they can be tuned per tenant later. */
export interface EscalationThresholds {
  minConfidence: number;
  minConsensusScore: number;
  highImpact: readonly Impact[];
}

export const ESCALATION_THRESHOLDS: EscalationThresholds = {
  minConfidence: 0.7,
  minConsensusScore: 0.75,
  highImpact: ['high', 'critical'],
};

export interface EscalationInput {
  confidence: number;
  impact: Impact;
  policyRequiresApproval: boolean;
  /** Absent when no consensus round was held. */
  consensusScore?: number;
  /** How many similar past episodes the agent could learn from; none means a novel situation. */
  similarEpisodes: number;
}

export type EscalationReason = 'low_confidence' | 'high_impact' | 'policy' | 'low_consensus' | 'novel_situation';

export interface EscalationDecision {
  escalate: boolean;
  reasons: EscalationReason[];
}

export function shouldEscalate(input: EscalationInput, thresholds: EscalationThresholds = ESCALATION_THRESHOLDS): EscalationDecision {
  const reasons: EscalationReason[] = [];
  if (input.confidence < thresholds.minConfidence) reasons.push('low_confidence');
  if (thresholds.highImpact.includes(input.impact)) reasons.push('high_impact');
  if (input.policyRequiresApproval) reasons.push('policy');
  if (input.consensusScore !== undefined && input.consensusScore < thresholds.minConsensusScore) reasons.push('low_consensus');
  if (input.similarEpisodes === 0) reasons.push('novel_situation');
  return { escalate: reasons.length > 0, reasons };
}

/** How an escalation reason reads for the person who must decide. */
export function describeEscalation(reason: EscalationReason, input: EscalationInput, thresholds: EscalationThresholds = ESCALATION_THRESHOLDS): string {
  switch (reason) {
    case 'low_confidence':
      return `confidence ${input.confidence.toFixed(2)} is below ${thresholds.minConfidence}`;
    case 'high_impact':
      return `estimated impact is ${input.impact}`;
    case 'policy':
      return 'policy requires a human decision';
    case 'low_consensus':
      return `consensus ${(input.consensusScore ?? 0).toFixed(2)} is below ${thresholds.minConsensusScore}`;
    case 'novel_situation':
      return 'no similar past episode to learn from';
  }
}
