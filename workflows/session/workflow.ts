import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import { SESSION_MEMORY, type SessionEntry, type SessionView, type SessionWorkflowInput } from '../../core/tasks/session.js';
import { turnSignal } from '../task/messages.js';
import { enqueueSignal, finishedSignal, sessionQuery } from './messages.js';

/** A session with nobody in line closes after this; the next enqueue starts it again. */
const IDLE_CLOSE = '1 hour';
/** The turn is re-sent this often while its holder works: a holder that no longer exists loses it. */
const TURN_RECHECK_MS = 5 * 60_000;

/**
 * One session's line of tasks: the head holds the turn until it says it has finished; the next is told its turn.
 * Only wiring and order: every decision about the work stays in the tasks.
 */
export async function sessionWorkflow(input: SessionWorkflowInput): Promise<void> {
  const queue: SessionEntry[] = [...(input.queue ?? [])];
  const finished: string[] = [...(input.recentlyFinished ?? [])];
  const isKnown = (taskId: string) => queue.some((e) => e.taskId === taskId) || finished.includes(taskId);

  setHandler(enqueueSignal, (entry) => {
    if (!isKnown(entry.taskId)) queue.push(entry);
  });
  setHandler(finishedSignal, ({ taskId }) => {
    const at = queue.findIndex((e) => e.taskId === taskId);
    if (at >= 0) queue.splice(at, 1);
    if (!finished.includes(taskId)) finished.push(taskId);
    if (finished.length > SESSION_MEMORY) finished.splice(0, finished.length - SESSION_MEMORY);
  });
  setHandler(sessionQuery, (): SessionView => ({ tenant: input.tenant, sessionId: input.sessionId, queue: [...queue], finished: finished.length }));

  for (;;) {
    if (!(await condition(() => queue.length > 0, IDLE_CLOSE))) {
      await condition(allHandlersFinished);
      if (queue.length === 0) return;
    }
    const head = queue[0];
    if (!head) continue;
    // The head holds the turn until it leaves the line; it is reminded now and then in case it is gone.
    while (queue[0]?.taskId === head.taskId) {
      try {
        await getExternalWorkflowHandle(head.workflowId).signal(turnSignal);
      } catch (error) {
        // The task's run is gone (terminated, or closed before it could tell us): its turn passes on.
        if (isCancellation(error)) throw error;
        const at = queue.findIndex((e) => e.taskId === head.taskId);
        if (at >= 0) queue.splice(at, 1);
        break;
      }
      await condition(() => queue[0]?.taskId !== head.taskId, input.turnRecheckMs ?? TURN_RECHECK_MS);
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof sessionWorkflow>({ ...input, queue, recentlyFinished: finished });
    }
  }
}
