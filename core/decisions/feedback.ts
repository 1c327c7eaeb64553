import { ESCALATION_THRESHOLDS } from './escalation.js';

/**
 * The feedback loop: every human decision on an agent's proposal says whether the agent was right. When people keep
 * approving, the agent type's confidence threshold drops (fewer escalations); corrections raise it again. The
 * threshold only moves within configured bounds and only once enough decisions were seen.
 */
export interface ThresholdBounds {
  min: number;
  max: number;
  /** How far one adjustment moves the threshold. */
  step: number;
  /** Decisions needed before the threshold moves at all. */
  minDecisions: number;
  /** Approval rate at or above which agents count as reliable. */
  reliableRate: number;
  /** Approval rate below which agents need closer watching. */
  unreliableRate: number;
}

export const DEFAULT_THRESHOLD_BOUNDS: ThresholdBounds = {
  min: 0.5,
  max: 0.9,
  step: 0.02,
  minDecisions: 5,
  reliableRate: 0.9,
  unreliableRate: 0.6,
};

export interface DecisionHistory {
  /** Recent human decisions on this agent type's proposals. */
  decisions: number;
  /** Of which approved as proposed. */
  approved: number;
}

export function adaptMinConfidence(current: number, history: DecisionHistory, bounds: ThresholdBounds = DEFAULT_THRESHOLD_BOUNDS): number {
  if (history.decisions < bounds.minDecisions) return clamp(current, bounds);
  const rate = history.approved / history.decisions;
  if (rate >= bounds.reliableRate) return clamp(round(current - bounds.step), bounds);
  if (rate < bounds.unreliableRate) return clamp(round(current + bounds.step), bounds);
  return clamp(current, bounds);
}

export const INITIAL_MIN_CONFIDENCE = ESCALATION_THRESHOLDS.minConfidence;

function clamp(value: number, bounds: ThresholdBounds): number {
  return Math.min(bounds.max, Math.max(bounds.min, value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A person's decision as a memory note the agent can learn from; `proposed` is the option the agents put forward. */
export function feedbackNote(
  input: { decision: 'approve' | 'reject'; approverId: string; comment?: string; reason: 'human' | 'timeout'; option?: string },
  proposed?: string,
): string {
  if (input.reason === 'timeout') return 'nobody decided in time; the safe default applied';
  const verb =
    input.decision === 'reject'
      ? 'corrected (rejected)'
      : input.option !== undefined && input.option !== proposed
        ? `corrected: chose ${input.option} over the proposed ${proposed ?? 'nothing'}`
        : `approved as proposed${input.option ? ` (${input.option})` : ''}`;
  return `${verb} by ${input.approverId}${input.comment ? `: ${input.comment}` : ''}`;
}

/**
 * The semantic memory note a person's decision on a request leaves behind (a consensus round, a threat response, a
 * policy): what was asked, what the agents proposed and what the person did about it, in words a later search finds.
 */
export function decisionMemoryText(
  request: { subjectKind: string; title: string; proposed?: string },
  record: { decision: 'approve' | 'reject'; approverId: string; comment?: string; reason: 'human' | 'timeout'; option?: string },
): string {
  return `A person deciding a ${request.subjectKind} request ("${request.title}") ${feedbackNote(record, request.proposed)}`;
}
