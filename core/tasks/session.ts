/*
 * Ordered sessions: tasks that share a session id run strictly one after another, in the order the session received
 * them; different sessions run side by side. A session is a small workflow that hands out turns.
 */

export interface SessionWorkflowInput {
  tenant: string;
  sessionId: string;
  /** Carried across continue-as-new. */
  queue?: SessionEntry[];
  recentlyFinished?: string[];
  /** How often the turn's holder is reminded (a holder whose run is gone loses the turn then); 5 minutes by default. */
  turnRecheckMs?: number;
}

export interface SessionEntry {
  taskId: string;
  workflowId: string;
}

export interface SessionView {
  tenant: string;
  sessionId: string;
  /** The task holding the turn, then the waiting ones in order. */
  queue: SessionEntry[];
  finished: number;
}

export function sessionWorkflowId(tenant: string, sessionId: string): string {
  return `session:${tenant}:${sessionId}`;
}

/** How many finished task ids a session remembers, so a late repeat of an enqueue cannot run a task twice. */
export const SESSION_MEMORY = 1_000;
