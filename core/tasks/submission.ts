import { z } from 'zod';
import { voterInput } from '../decisions/voter-input.js';
import type { AcceptanceRule } from './acceptance.js';
import type { JsonValue } from './json.js';

/** Identifiers that end up inside workflow ids and search attributes: no separators, no spaces. */
export const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore or dash, starting with a letter or digit');

export const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
export const jsonObject = z.record(z.string(), jsonValue);

const path = z.string().min(1).max(200);
export const acceptanceRule: z.ZodType<AcceptanceRule> = z.union([
  z.object({ path, check: z.literal('present') }).strict(),
  z.object({ path, check: z.literal('equals'), value: jsonValue }).strict(),
  z.object({ path, check: z.literal('oneOf'), values: z.array(jsonValue).min(1) }).strict(),
  z.object({ path, check: z.enum(['min', 'max']), value: z.number() }).strict(),
  z.object({ path, check: z.enum(['minItems', 'maxItems']), value: z.number().int().min(0) }).strict(),
]);

/** Per-task limits for the models that reason for the task; each narrows the choice, none widens it. */
export const modelConstraints = z
  .object({
    maxCostUsd: z.number().positive().max(100).optional().describe('Most one model call of this task may cost (USD); the tighter of this and the service-wide limit applies'),
    maxLatencyMs: z.number().int().positive().max(600_000).optional().describe("The chosen model's expected latency must be within this; under 1 s the real-time router picks the fastest model"),
    minContextTokens: z.number().int().positive().max(10_000_000).optional().describe('The chosen model must hold at least this many tokens of context'),
  })
  .strict();

/** Peers review a task's proposed effects before they apply: their agreement is the escalation rules' consensus score. */
export const reviewRequest = z
  .object({
    voters: z.array(voterInput).min(2).max(9).describe('Agent types vote through their playbook, models through the model endpoint'),
    voteTimeoutSeconds: z.number().int().min(1).max(3600).default(120),
  })
  .strict();

export const MAX_APPROVAL_TIMEOUT_SECONDS = 30 * 24 * 3600;

/** The body of `POST /v1/tasks` (and of the CLI's `ants task submit`). */
export const taskSubmission = z
  .object({
    taskId: identifier.describe('Your id for the task; submitting the same id twice starts it once.'),
    tenant: identifier.optional().describe("Defaults to the API key's tenant; any other tenant is refused."),
    agentType: z.string().min(1).max(128).describe('e.g. finance.reconciliation'),
    taskType: z.string().min(1).max(128).describe('e.g. reconcile_payments'),
    priority: z.number().int().min(1).max(5).default(3),
    input: jsonObject,
    acceptance: z.array(acceptanceRule).max(50).default([]),
    requireApproval: z.boolean().default(false),
    approvalTimeoutSeconds: z.number().int().min(1).max(MAX_APPROVAL_TIMEOUT_SECONDS).default(24 * 3600),
    maxAttempts: z.number().int().min(1).max(10).default(3),
    modelConstraints: modelConstraints.optional().describe('Limits for the models chosen to reason for this task'),
    sessionId: identifier.optional().describe('Tasks sharing a session id run strictly one after another, in the order they were submitted'),
    review: reviewRequest.optional().describe('A consensus round of peers on the proposed effects; agreement under 0.75 asks a person'),
  })
  .strict();
export type TaskSubmission = z.infer<typeof taskSubmission>;
