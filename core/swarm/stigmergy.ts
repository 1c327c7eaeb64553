/*
 * Stigmergy (whitepaper §5.E): agents coordinate through artifacts they leave in a shared workspace. An incomplete
 * artifact is continued by an agent with the capability it asks for; one that needs review is reviewed by a
 * *different* agent with the review capability; a review approves it (done) or sends it back (incomplete). Pure.
 */

export const ARTIFACT_STATUSES = ['incomplete', 'needs_review', 'done'] as const;
export type ArtifactStatus = (typeof ARTIFACT_STATUSES)[number];

export interface ArtifactFacts {
  status: ArtifactStatus;
  version: number;
  continueCapability: string;
  reviewCapability: string;
  lastEditor: string;
  claimedBy: string | null;
}

/** Why `agentId` may not do what it asks, or null when it may. */
export function refuseWork(artifact: ArtifactFacts, agentId: string, expectedVersion: number): string | null {
  if (artifact.status !== 'incomplete') return `it is ${artifact.status}, not incomplete`;
  return refuseClaimed(artifact, agentId, expectedVersion);
}

export function refuseReview(artifact: ArtifactFacts, agentId: string, expectedVersion: number): string | null {
  if (artifact.status !== 'needs_review') return `it is ${artifact.status}, not waiting for review`;
  if (artifact.lastEditor === agentId) return `${agentId} did the work under review; another agent must review it`;
  return refuseClaimed(artifact, agentId, expectedVersion);
}

function refuseClaimed(artifact: ArtifactFacts, agentId: string, expectedVersion: number): string | null {
  if (artifact.claimedBy !== agentId) return artifact.claimedBy ? `${artifact.claimedBy} holds it` : `${agentId} has not picked it up`;
  if (artifact.version !== expectedVersion) return `it is at version ${artifact.version}, not ${expectedVersion}: someone changed it since`;
  return null;
}

export type ReviewVerdict = 'approve' | 'changes';

export function statusAfterReview(verdict: ReviewVerdict): ArtifactStatus {
  return verdict === 'approve' ? 'done' : 'incomplete';
}
