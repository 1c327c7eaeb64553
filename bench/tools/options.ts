import { z } from 'zod';
import { loadConfig } from '../../infra/config.js';

export interface ToolsBenchOptions {
  /** Timed calls per mode (native, warm) and in the saturation run. */
  calls: number;
  /** Timed cold calls: each starts a thread, so fewer than `calls`. */
  coldCalls: number;
  /** Untimed calls before each warm measurement. */
  warmUp: number;
  /** Pool size of the saturation run (default ANTS_SANDBOX_THREADS, what the tools worker uses). */
  threads: number;
  /** Print one JSON object and nothing else. */
  json: boolean;
}

const USAGE = '--calls N --cold-calls N --warm-up N --threads N --json';

const positive = z.coerce.number().int().min(1);

const flags = z.strictObject({
  calls: positive.default(300),
  'cold-calls': positive.default(20),
  'warm-up': positive.default(30),
  threads: positive.max(64).optional(),
  json: z.boolean().default(false),
});

/** `--calls 500 --threads 4 --json` → options; an unknown or malformed flag stops the bench with its name. */
export function parseToolsBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ToolsBenchOptions {
  const raw: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const flag = /^--([a-z-]+)$/.exec(argv[i] ?? '')?.[1];
    if (!flag) throw new Error(`unexpected argument ${argv[i]}; flags: ${USAGE}`);
    if (flag === 'json') raw.json = true;
    else raw[flag] = argv[(i += 1)] ?? '';
  }
  const parsed = flags.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') throw new Error(`unknown flag --${issue.keys.join(', --')}; flags: ${USAGE}`);
    throw new Error(`--${String(issue?.path[0])}: ${issue?.message ?? 'invalid'}`);
  }
  const { calls, 'cold-calls': coldCalls, 'warm-up': warmUp, threads, json } = parsed.data;
  return { calls, coldCalls, warmUp, threads: threads ?? loadConfig(env).ANTS_SANDBOX_THREADS, json };
}
