import { fileURLToPath } from 'node:url';
import { createAuditActivities } from '../activities/audit/activities.js';
import { createLoopActivities } from '../activities/loop/activities.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/** All workflow code, plus the cheap local activities (Perceive, Verify, audit) that run beside it. */
exitOnFailure(
  'workflows',
  runPool('workflows', async ({ db }) => ({
    workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
    activities: { ...createLoopActivities(), ...createAuditActivities({ db: db() }) },
  })),
);
