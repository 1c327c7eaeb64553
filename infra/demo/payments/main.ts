/**
 * `tsx infra/demo/payments/main.ts`: the demo payments API as its own process (started by `npm start`).
 * ANTS_DEMO_API_PORT=0 turns it off; it stops accepting on SIGINT/SIGTERM and closes once in-flight requests end.
 */
import { loadConfig } from '../../config.js';
import { stopWhenParentDies } from '../../parent-watch.js';
import { createPaymentsDemoApi } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const port = config.ANTS_DEMO_API_PORT;
  if (port === 0) {
    process.stdout.write('demo payments API disabled (ANTS_DEMO_API_PORT=0)\n');
    return;
  }
  stopWhenParentDies();
  const host = config.ANTS_API_HOST;
  const app = createPaymentsDemoApi({ apiKey: config.ANTS_DEMO_API_KEY, serverUrl: `http://${host}:${port}`, logLevel: process.env.LOG_LEVEL ?? 'warn' });

  let closing: Promise<void> | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      closing ??= app.close();
      closing.then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`[demo-api] unclean shutdown: ${String(error)}\n`);
          process.exit(1);
        },
      );
    });
  }
  await app.listen({ host, port });
  process.stdout.write(`demo payments API listening on http://${host}:${port} (OpenAPI at /openapi.json)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[demo-api] stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
