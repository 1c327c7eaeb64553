import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SessionEntry, SessionView } from '../../core/tasks/session.js';

/** A task joins the end of the session's line (the API sends it with signal-with-start, in submission order). */
export const enqueueSignal = defineSignal<[SessionEntry]>('enqueue');
/** A task left the session, whatever its ending (sent by the task itself). */
export const finishedSignal = defineSignal<[{ taskId: string }]>('finished');
export const sessionQuery = defineQuery<SessionView>('session');
