import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';

/**
 * Start options that make a business id start its workflow once: the server refuses a second start whether the first
 * run is still open or already closed, and the refusal tells the API the submission is a repeat (USE_EXISTING would
 * return the same handle either way, and none for a closed run).
 */
export const ONCE_PER_ID = { workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE' } as const;

/** Runs a start made with ONCE_PER_ID: true when it started the workflow, false when the id had started it before. */
export async function startedOnce(start: () => Promise<unknown>): Promise<boolean> {
  try {
    await start();
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
