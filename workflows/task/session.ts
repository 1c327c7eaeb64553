import { CancellationScope, condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { sessionWorkflowId } from '../../core/tasks/session.js';
import type { TaskWorkflowInput } from '../../core/tasks/task.js';
import { finishedSignal } from '../session/messages.js';
import { turnSignal } from './messages.js';

/**
 * A task's place in its ordered session, from the task's side: wait for the turn (the session hands it out in
 * submission order), and say once, however the task ends, that it has finished. A task without a session has neither.
 */
export function useSession(input: TaskWorkflowInput) {
  let turn = false;
  let left = false;
  setHandler(turnSignal, () => {
    turn = true;
  });
  const sessionId = input.sessionId;

  return {
    sessionId,

    async waitForTurn(): Promise<void> {
      if (sessionId) await condition(() => turn);
    },

    async leave(): Promise<void> {
      if (!sessionId || left) return;
      left = true;
      await CancellationScope.nonCancellable(async () => {
        try {
          await getExternalWorkflowHandle(sessionWorkflowId(input.tenant, sessionId)).signal(finishedSignal, { taskId: input.taskId });
        } catch {
          // No open session to tell: it closed while idle, and a new one will not know this task.
        }
      });
    },
  };
}
