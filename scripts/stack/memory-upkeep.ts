import { Client, Connection, ScheduleAlreadyRunning, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { TASK_QUEUES } from '../../core/tasks/queues.js';
import type { AntsConfig } from '../../infra/config.js';
import type { MemoryUpkeepInput } from '../../workflows/memory/workflow.js';

export const MEMORY_UPKEEP_SCHEDULE_ID = 'ants-memory-upkeep';

export type UpkeepConfig = Pick<AntsConfig, 'ANTS_MEMORY_UPKEEP_EVERY_HOURS' | 'ANTS_MEMORY_COLD_AFTER_DAYS' | 'ANTS_MEMORY_RETENTION_DAYS'>;

const HOUR_MS = 3_600_000;

function upkeepInput(config: UpkeepConfig): MemoryUpkeepInput {
  return {
    coldAfterDays: config.ANTS_MEMORY_COLD_AFTER_DAYS,
    ...(config.ANTS_MEMORY_RETENTION_DAYS !== undefined ? { retentionDays: config.ANTS_MEMORY_RETENTION_DAYS } : {}),
  };
}

/** Whether the Schedule already runs every `everyMs` with these arguments (then there is nothing to update). */
function matches(description: ScheduleDescription, everyMs: number, input: MemoryUpkeepInput): boolean {
  const intervals = description.spec.intervals ?? [];
  const action = description.action;
  const args = action.type === 'startWorkflow' ? action.args : undefined;
  return intervals.length === 1 && Number(intervals[0]!.every) === everyMs && JSON.stringify(args) === JSON.stringify([input]);
}

/**
 * The Schedule that starts `memoryUpkeepWorkflow` (tiering and retention) every ANTS_MEMORY_UPKEEP_EVERY_HOURS.
 * Idempotent: created when missing, updated when its interval or arguments differ from the configuration, else
 * left alone. Overlapping runs are skipped: the upkeep is a sweep, a second one at the same time would only wait.
 */
export async function ensureMemoryUpkeepSchedule(client: Client, config: UpkeepConfig): Promise<'created' | 'updated' | 'unchanged'> {
  const everyMs = Math.round(config.ANTS_MEMORY_UPKEEP_EVERY_HOURS * HOUR_MS);
  const input = upkeepInput(config);
  const spec = { intervals: [{ every: everyMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'memoryUpkeepWorkflow',
    workflowId: `${MEMORY_UPKEEP_SCHEDULE_ID}:run`,
    taskQueue: TASK_QUEUES.workflows,
    args: [input],
  };
  const handle = client.schedule.getHandle(MEMORY_UPKEEP_SCHEDULE_ID);
  try {
    const description = await handle.describe();
    if (matches(description, everyMs, input)) return 'unchanged';
    await handle.update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  try {
    await client.schedule.create({ scheduleId: MEMORY_UPKEEP_SCHEDULE_ID, spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 hour' } });
    return 'created';
  } catch (error) {
    // Another starter created it between our describe and create: theirs has the same configuration.
    if (error instanceof ScheduleAlreadyRunning) return 'unchanged';
    throw error;
  }
}

/** For the dev stack: connect, ensure the Schedule, disconnect. */
export async function ensureMemoryUpkeepScheduleAt(address: string, namespace: string, config: UpkeepConfig): Promise<'created' | 'updated' | 'unchanged'> {
  const connection = await Connection.connect({ address });
  try {
    return await ensureMemoryUpkeepSchedule(new Client({ connection, namespace }), config);
  } finally {
    await connection.close();
  }
}
