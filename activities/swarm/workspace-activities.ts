import { ApplicationFailure } from '@temporalio/activity';
import { findRepositoryEntry } from '../../core/agents/repository/index.js';
import { InputError } from '../../core/validation.js';
import { WorkspaceConflict, type Artifact, type ArtifactChange, type ArtifactReview, type Workspace } from './ports.js';

/**
 * The workspace as agents use it (memory pool). An agent's capabilities come from its type's repository entry, never
 * from the caller, so an agent only ever picks up what its type can do. Refusals are final (not retried).
 */
export function createWorkspaceActivities({ workspace }: { workspace: Workspace }) {
  const final = (error: unknown): never => {
    if (error instanceof WorkspaceConflict) throw ApplicationFailure.nonRetryable(error.message, 'WorkspaceConflict');
    if (error instanceof InputError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidWorkspaceInput');
    throw error;
  };

  return {
    /** The oldest artifact the agent's type can continue (`work`) or review (`review`, never its own work), now held by it. */
    async pickUpArtifact(input: { tenant: string; agentId: string; agentType: string; mode: 'work' | 'review'; leaseMs?: number }): Promise<Artifact | null> {
      const entry = findRepositoryEntry(input.agentType);
      if (!entry) throw ApplicationFailure.nonRetryable(`unknown agent type ${input.agentType}`, 'InvalidWorkspaceInput');
      const claim = { tenant: input.tenant, agentId: input.agentId, capabilities: entry.capabilities, ...(input.leaseMs ? { leaseMs: input.leaseMs } : {}) };
      return (input.mode === 'work' ? workspace.pickUpWork(claim) : workspace.pickUpReview(claim)).catch(final);
    },
    saveArtifact: (change: ArtifactChange): Promise<Artifact> => workspace.save(change).catch(final),
    reviewArtifact: (review: ArtifactReview): Promise<Artifact> => workspace.review(review).catch(final),
    releaseArtifact: (input: { tenant: string; id: string; agentId: string }): Promise<void> => workspace.release(input).catch(final),
  };
}
export type WorkspaceActivities = ReturnType<typeof createWorkspaceActivities>;
