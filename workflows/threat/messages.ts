import { defineQuery } from '@temporalio/workflow';
import type { ThreatView } from '../../core/swarm/threat-view.js';

export const threatStatusQuery = defineQuery<ThreatView>('status');
