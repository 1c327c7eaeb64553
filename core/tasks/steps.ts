import type { ModelConstraints } from '../routing/router.js';
import type { CapabilityNeed } from '../tools/capability.js';
import type { AcceptanceRule } from './acceptance.js';
import type { JsonObject } from './json.js';
import type { Decision, Impact, Plan, ProposedEffect, TaskWorkflowInput, ToolCall, ToolRunResult } from './task.js';

/** The contracts between `taskWorkflow` and the activities of each step (one file, so both sides agree). */

export interface TaskRef {
  tenant: string;
  taskId: string;
  agentType: string;
  taskType: string;
  /** The agent instance doing the task; until one is assigned, memory attributes the work to the agent type. */
  agentId?: string;
}

export interface PerceivedTask {
  input: JsonObject;
  acceptance: AcceptanceRule[];
  policyRequiresApproval: boolean;
  procedure: string;
  tools: string[];
  /** Outside APIs' operations the playbook calls through `@alias` steps (their tools may need building first). */
  capabilities: CapabilityNeed[];
}

export interface EpisodeSummary {
  taskId: string;
  success: boolean;
  procedure: string;
  createdAt: string;
  outcome: string;
  /** Cosine similarity of its situation to the current task's (vector memory). */
  similarity?: number;
}

export interface ProcedureStats {
  procedure: string;
  uses: number;
  successRate: number;
}

/** A memory found by meaning: another agent type's procedure, or knowledge such as a person's correction. */
export interface RecalledMemory {
  memoryId: string;
  kind: 'episodic' | 'semantic' | 'procedural';
  agentType: string;
  taskType: string | null;
  /** Clipped, to keep workflow history small. */
  content: string;
  similarity: number;
  /** Procedures only. */
  successRate?: number;
}

export interface RetrievedContext {
  /** Similar *successful* episodes of this task type in the tenant; none means a novel situation (escalation). */
  similarEpisodes: EpisodeSummary[];
  /** This agent type's procedures for the task type, best success rate first. */
  procedures: ProcedureStats[];
  /** Other agent types' procedures in the tenant that fit this situation (cross-agent learning). */
  sharedProcedures?: RecalledMemory[];
  /** Semantic memory (facts, human corrections) relevant to this situation. */
  knowledge?: RecalledMemory[];
}

export interface ReasonRequest {
  task: TaskRef;
  input: JsonObject;
  attempt: number;
  context: RetrievedContext;
  /** Why the previous attempt failed verification, so the next plan can differ. */
  feedback: string[];
  /** The task's own limits for the model that reasons (the submitter's `modelConstraints`). */
  constraints?: ModelConstraints;
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
