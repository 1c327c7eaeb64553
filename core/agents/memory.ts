import type { JsonObject, JsonValue } from '../tasks/json.js';

/*
 * What an agent instance remembers between tasks: how many it served, the last few, and why it was woken. Small on
 * purpose: this is what a checkpoint carries; episodic and procedural memory live in the memory store.
 */
const RECENT = 20;

function list(value: JsonValue | undefined): JsonValue[] {
  return Array.isArray(value) ? value : [];
}

export function rememberRelease(memory: JsonObject, taskId: string): JsonObject {
  return { ...memory, tasksServed: Number(memory.tasksServed ?? 0) + 1, recentTasks: [...list(memory.recentTasks), taskId].slice(-RECENT) };
}

export function rememberWake(memory: JsonObject, reason: string): JsonObject {
  return { ...memory, wakeReasons: [...list(memory.wakeReasons), reason].slice(-RECENT) };
}
