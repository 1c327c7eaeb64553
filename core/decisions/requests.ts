import type { JsonObject } from '../tasks/json.js';
import type { ApprovalRecord, Decision, Impact } from '../tasks/task.js';

/**
 * One human decision request, whoever asks for it: a task whose escalation rules fired, a consensus round that did
 * not agree, and later threat responses and policies. They all wait in the same `approvalWorkflow`.
 */
export type ApprovalSubjectKind = 'task' | 'consensus' | 'threat' | 'policy';
export const APPROVAL_SUBJECT_KINDS: readonly ApprovalSubjectKind[] = ['task', 'consensus', 'threat', 'policy'];

export interface ApprovalSubject {
  kind: ApprovalSubjectKind;
  /** The business id of what is decided (task id, round id); the audit trail files the request under it. */
  id: string;
}

/** What the person deciding reads: a summary of the multi-agent inputs, the reasons, and the details behind them. */
export interface ApprovalContext {
  summary: string;
  reasons: string[];
  /** e.g. proposed effects and verification for a task; votes, rationales and dissent for a consensus round. */
  details: JsonObject;
}

/** One step of the escalation chain: who may decide (a group, or any approver) and how long they have. */
export interface ApprovalTier {
  name: string;
  /** Only members of this group may decide while the request is at this tier; absent: any approver of the tenant. */
  group?: string;
  /** The group's members, resolved when the tier starts (the workflow stays deterministic). */
  members?: string[];
  timeoutMs: number;
}

export interface ApprovalWorkflowInput {
  tenant: string;
  approvalId: string;
  subject: ApprovalSubject;
  agentType?: string;
  title: string;
  severity: Impact;
  requestedBy: string;
  context: ApprovalContext;
  /** What the agents propose; recorded with the human decision so approvals and corrections feed learning. */
  proposal: JsonObject;
  /** The first tier's window; further tiers come from the tenant's escalation chain. */
  timeoutMs: number;
  /** Applied when the last tier runs out: `reject` for actions not yet taken, `approve` to keep an action already taken. */
  safeDefault: Decision;
  /** Options the person may adopt (an escalated consensus round); absent: a plain yes/no request. */
  options?: ApprovalOptions;
  /** A workflow to tell about decisions it relayed (the task relays its `decide` update and waits for the answer). */
  replyTo?: string;
}

/** A request's options: the person may adopt any of them; approving without one adopts the proposal. */
export interface ApprovalOptions {
  ids: string[];
  proposed?: string;
}

/** What a requester learns when its request moves to a later tier (its status view shows that tier's deadline). */
export interface ApprovalTierChange {
  tier: number;
  tierName: string;
  deadline: string;
}

export type ApprovalRequestStatus = 'pending' | 'approved' | 'rejected' | 'timed_out';

export interface ApprovalOutcome {
  record: ApprovalRecord;
  /** The tier that decided (or ran out last), counted from 0. */
  tier: number;
  tierName: string;
  status: Exclude<ApprovalRequestStatus, 'pending'>;
}

export interface ApprovalView {
  approvalId: string;
  tenant: string;
  subject: ApprovalSubject;
  status: ApprovalRequestStatus;
  severity: Impact;
  tier: number;
  tierName: string;
  deadline: string;
  outcome?: ApprovalOutcome;
}

/** Workflow ids from business ids: asking twice for the same decision waits once. */
export function approvalId(subject: ApprovalSubject): string {
  return `${subject.kind}.${subject.id}`;
}

export function approvalWorkflowId(tenant: string, id: string): string {
  return `approval:${tenant}:${id}`;
}

export function parseApprovalId(id: string): ApprovalSubject | undefined {
  const dot = id.indexOf('.');
  const kind = id.slice(0, dot);
  const subjectId = id.slice(dot + 1);
  if (dot <= 0 || !subjectId || !(APPROVAL_SUBJECT_KINDS as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as ApprovalSubjectKind, id: subjectId };
}

export function isRequestId(id: string): boolean {
  return parseApprovalId(id) !== undefined;
}

export const SEVERITY_RANK: Record<Impact, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** Inbox order: the most severe first, then the oldest (it has waited longest). */
export function comparePriority(a: { severity: Impact; requestedAt: string }, b: { severity: Impact; requestedAt: string }): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || Date.parse(a.requestedAt) - Date.parse(b.requestedAt);
}

/**
 * The chain a request walks: the first tier with the request's own window (and the tenant's first group, if any),
 * then the tenant's further tiers. No tier is unbounded, so no request waits forever.
 */
export function escalationChain(requestTimeoutMs: number, tenantTiers: readonly ApprovalTier[]): ApprovalTier[] {
  const [first, ...rest] = tenantTiers;
  return [{ ...(first ?? { name: 'approvers' }), timeoutMs: requestTimeoutMs }, ...rest];
}

export function statusOf(record: ApprovalRecord): ApprovalOutcome['status'] {
  if (record.reason === 'timeout') return 'timed_out';
  return record.decision === 'approve' ? 'approved' : 'rejected';
}
