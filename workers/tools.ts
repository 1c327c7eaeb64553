import { createToolsActivities } from '../activities/tools/activities.js';
import { loadBuiltinTool } from '../activities/tools/builtin/index.js';
import { createToolLoader } from '../activities/tools/loader.js';
import { createPostgresToolRegistry } from '../activities/tools/registry/postgres-registry.js';
import { createToolRegistryActivities } from '../activities/tools/registry-activities.js';
import { createSandbox } from '../activities/tools/sandbox/sandbox.js';
import { toolsPoolSettings } from '../activities/tools/sandbox-config.js';
import { exitOnFailure, runPool } from './bootstrap.js';

/**
 * Tool code in QuickJS sandboxes, and the registry it is loaded from: nothing else runs in this process, so a
 * misbehaving tool can hurt only it. Credentials for tools' requests are resolved here and nowhere else.
 */
exitOnFailure(
  'tools',
  runPool('tools', async ({ config, db }) => {
    const settings = await toolsPoolSettings(config);
    const sandbox = createSandbox(settings.sandbox);
    const registry = createPostgresToolRegistry(db());
    const tools = createToolLoader({ builtin: loadBuiltinTool, registry });
    const deps = { sandbox, tools, registry, secretAllowed: settings.secretAllowed };
    return {
      activities: { ...createToolsActivities(deps), ...createToolRegistryActivities(deps) },
      maxConcurrentActivityTaskExecutions: config.ANTS_SANDBOX_THREADS * 2,
      close: () => sandbox.close(),
    };
  }),
);
