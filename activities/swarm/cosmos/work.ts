import { WORK_HALF_LIFE_MS } from '../ports.js';
import type { SlotDocument } from './documents.js';

/**
 * An agent's recent work at `at` (epoch ms): what was recorded at `workAt`, halved for every WORK_HALF_LIFE_MS since.
 * A clock behind the one that wrote it (another worker) counts as no time passed rather than as growth.
 */
export function decayedWorkMs(slot: Pick<SlotDocument, 'workMs' | 'workAt'>, at: number): number {
  if (slot.workAt === null) return 0;
  return slot.workMs * 0.5 ** (Math.max(0, at - slot.workAt) / WORK_HALF_LIFE_MS);
}
