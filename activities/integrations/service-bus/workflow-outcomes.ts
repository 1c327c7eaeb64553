import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';

export type WorkflowOutcome =
  | { state: 'running' }
  | { state: 'completed'; result: unknown }
  | { state: 'failed'; status: string; error: string };

/** How a workflow ended, without waiting for it: the result watcher asks again later while it runs. */
export interface WorkflowOutcomes {
  outcomeOf(workflowId: string): Promise<WorkflowOutcome>;
}

export function temporalOutcomes(temporal: Client): WorkflowOutcomes {
  return {
    async outcomeOf(workflowId) {
      const handle = temporal.workflow.getHandle(workflowId);
      let status: string;
      try {
        status = (await handle.describe()).status.name;
      } catch (error) {
        // Past the namespace's retention the run is gone: say so rather than wait for ever.
        if (error instanceof WorkflowNotFoundError) return { state: 'failed', status: 'NOT_FOUND', error: 'the workflow is no longer known to Temporal' };
        throw error;
      }
      if (status === 'RUNNING') return { state: 'running' };
      try {
        return { state: 'completed', result: await handle.result() };
      } catch (error) {
        if (error instanceof WorkflowFailedError) return { state: 'failed', status, error: error.cause?.message ?? error.message };
        throw error;
      }
    },
  };
}
