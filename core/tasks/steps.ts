import type { AcceptanceRule } from './acceptance.js';
import type { JsonObject } from './json.js';
import type { Decision, Impact, Plan, ProposedEffect, TaskWorkflowInput, ToolCall, ToolRunResult } from './task.js';

/** The contracts between `taskWorkflow` and the activities of each step (one file, so both sides agree). */

export interface TaskRef {
  tenant: string;
  taskId: string;
  agentType: string;
  taskType: string;
}

export interface PerceivedTask {
  input: JsonObject;
  acceptance: AcceptanceRule[];
  policyRequiresApproval: boolean;
  procedure: string;
  tools: string[];
}

export interface EpisodeSummary {
  taskId: string;
  success: boolean;
  procedure: string;
  createdAt: string;
  outcome: string;
}

export interface ProcedureStats {
  procedure: string;
  uses: number;
  successRate: number;
}

export interface RetrievedContext {
  similarEpisodes: EpisodeSummary[];
  procedures: ProcedureStats[];
}

export interface ReasonRequest {
  task: TaskRef;
  input: JsonObject;
  attempt: number;
  context: RetrievedContext;
  /** Why the previous attempt failed verification, so the next plan can differ. */
  feedback: string[];
}

export interface ExecuteRequest {
  task: TaskRef;
  attempt: number;
  steps: ToolCall[];
}

export interface VerifyRequest {
  task: TaskRef;
  acceptance: AcceptanceRule[];
  outputs: ToolRunResult[];
}

export interface ApplyEffectsRequest {
  task: TaskRef;
  effects: ProposedEffect[];
}

export interface ApplyEffectsResult {
  applied: string[];
  alreadyApplied: string[];
}

export interface LearnRequest {
  task: TaskRef;
  input: JsonObject;
  plan: Plan;
  outputs: ToolRunResult[];
  success: boolean;
  outcome: 'completed' | 'rejected' | 'failed';
  impact: Impact;
  humanDecision?: Decision;
  humanComment?: string;
}

export interface AuditEntry {
  tenant: string;
  taskId: string;
  kind: string;
  actor: string;
  details: JsonObject;
  /** Unique per fact: a retried write of the same fact is a no-op. */
  idempotencyKey: string;
}

export type { TaskWorkflowInput };
