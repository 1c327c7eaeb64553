import { createToolsActivities } from '../activities/tools/activities.js';
import { loadBuiltinTool } from '../activities/tools/builtin/index.js';
import { createSandbox } from '../activities/tools/sandbox/sandbox.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/** Tool code in QuickJS sandboxes: nothing else runs in this process, so a misbehaving tool can hurt only it. */
exitOnFailure(
  'tools',
  runPool('tools', async ({ config }) => {
    const sandbox = createSandbox({ threads: config.ANTS_SANDBOX_THREADS });
    return {
      activities: createToolsActivities({ sandbox, loadTool: loadBuiltinTool }),
      maxConcurrentActivityTaskExecutions: config.ANTS_SANDBOX_THREADS * 2,
      close: () => sandbox.close(),
    };
  }),
);
