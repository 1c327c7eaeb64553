import { fileURLToPath } from 'node:url';
import { createAuditActivities } from '../activities/audit/activities.js';
import { createDecisionsActivities } from '../activities/decisions/activities.js';
import { createLoopActivities } from '../activities/loop/activities.js';
import { consensusModelEndpoint } from '../activities/models/select.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/**
 * All workflow code, plus the cheap local activities (Perceive, Verify, audit, decision bookkeeping) that run beside
 * it, and the consensus votes (short playbook or model calls).
 */
exitOnFailure(
  'workflows',
  runPool('workflows', async ({ db, config }) => ({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    activities: {
      ...createLoopActivities(),
      ...createAuditActivities({ db: db() }),
      ...createDecisionsActivities({ db: db(), modelEndpoint: consensusModelEndpoint(config, db) }),
    },
  })),
);
