import type { ApprovalRecord } from '../tasks/task.js';
import type { JsonObject } from '../tasks/json.js';
import type { Finding, InvestigationStep, ThreatSeverity } from './threats.js';

export type ThreatStatus = 'mobilising' | 'investigating' | 'awaiting_approval' | 'contained' | 'closed';

/** What the threat response shows while it runs (the `status` query) and returns at the end. */
export interface ThreatView {
  tenant: string;
  threatId: string;
  severity: ThreatSeverity;
  status: ThreatStatus;
  detectedAt: string;
  /** When every investigator had been recruited and given its step; detection → deployed is the swarm's response time. */
  deployedAt?: string;
  swarmDeployedMs?: number;
  investigators: Array<{ taskId: string; step: InvestigationStep; agentId: string | null }>;
  /** Security agents woken or started for this swarm. */
  recruited?: { woken: string[]; started: string[] };
  findings: Finding[];
  containment?: { effects: JsonObject[]; needsPerson: boolean; approval?: ApprovalRecord; applied: string[] };
  notified: string[];
}

export function threatWorkflowId(tenant: string, threatId: string): string {
  return `threat:${tenant}:${threatId}`;
}
