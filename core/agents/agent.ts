import type { JsonObject } from '../tasks/json.js';
import type { AgentLifecycle, AgentState, AgentUsageCounters, LifecycleEvent } from './lifecycle.js';
import type { CostTier } from './repository/schema.js';

/** What `agentWorkflow` starts from; `carried` is set only by continue-as-new. */
export interface AgentWorkflowInput {
  tenant: string;
  agentType: string;
  instance: number;
  tier: CostTier;
  keepWarm: boolean;
  capacity: number;
  idleMinutes: number;
  /** Warm the agent at once (always-on tiers, warm-pool members); otherwise it starts COLD. */
  startAwake: boolean;
  /** Continue as new after this many history events (Temporal also suggests it); small in tests. */
  maxHistoryEvents?: number;
  carried?: CarriedAgentState;
}

/** Everything a run hands to the next one at continue-as-new: nothing is lost, history starts empty. */
export interface CarriedAgentState {
  lifecycle: AgentLifecycle;
  /** The agent's working memory while it runs; null while it sleeps (it is in the checkpoint then). */
  memory: JsonObject | null;
  queued: LifecycleEvent[];
  lastCheckpointSeq: number | null;
  restoredFrom: number | 'cold' | null;
  runs: number;
}

export interface CheckpointRequest {
  tenant: string;
  agentId: string;
  /** The lifecycle revision at the time of the checkpoint: unique per agent and growing, so a retry rewrites the same one. */
  seq: number;
  memory: JsonObject;
}

export interface CheckpointRecord {
  seq: number;
  location: string;
  bytes: number;
  sha256: string;
}

export interface RestoreRequest {
  tenant: string;
  agentId: string;
}

export type RestoreResult = { seq: number; memory: JsonObject } | null;

/** One agent instance as the swarm state (and the marketplace) sees it. */
export interface AgentStateRecord {
  tenant: string;
  agentId: string;
  agentType: string;
  instance: number;
  workflowId: string;
  state: AgentState;
  tier: CostTier;
  keepWarm: boolean;
  capacity: number;
  load: number;
  freeCapacity: number;
  revision: number;
  stateSince: string;
  usage: AgentUsageCounters;
  meteredUntil: string;
  wakes: number;
}

/** The `state` query's answer. */
export interface AgentStateView extends AgentStateRecord {
  tasks: string[];
  idleMinutes: number;
  keepAliveUntil: string | null;
  sleepsAt: string | null;
  pending: 'sleep' | 'retire' | null;
  lastCheckpointSeq: number | null;
  restoredFrom: number | 'cold' | null;
  memory: JsonObject | null;
  lastRefusal: string | null;
  runs: number;
}

export interface ActivationRequest {
  tenant: string;
  agentType: string;
  reason: string;
  keepAliveMinutes?: number;
}

export interface ActivationResult {
  agentId: string;
  workflowId: string;
  /** True when a new instance was started for this activation (none was awake or asleep to wake). */
  started: boolean;
  /** The registry state when the activation was sent. */
  previousState: AgentState;
}

/** The working memory of a fresh (cold-created) agent. */
export function freshMemory(agentType: string, createdAt: string): JsonObject {
  return { agentType, createdAt, tasksServed: 0, recentTasks: [], wakeReasons: [] };
}
