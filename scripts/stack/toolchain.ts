import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** What `scripts/bootstrap.mjs` installed and where; read instead of searching PATH and site-packages again. */
export const toolchainSchema = z.object({
  temporalCli: z.string().min(1),
  temporalTestServer: z.string().min(1),
  postgresInstallDir: z.string().min(1).optional(),
});
export type Toolchain = z.infer<typeof toolchainSchema>;

export function readToolchain(antsHome: string): Toolchain {
  const file = join(antsHome, 'toolchain.json');
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: run \`npm run bootstrap\` (npm start and npm test run it for you)`);
  }
  return toolchainSchema.parse(JSON.parse(raw));
}
