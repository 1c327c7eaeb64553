import { defineQuery } from '@temporalio/workflow';
import type { ConsensusView } from '../../core/decisions/rounds.js';

/** Live state of a round: votes so far, the score once counted, the approval it waits on after an escalation. */
export const consensusStatusQuery = defineQuery<ConsensusView>('status');
