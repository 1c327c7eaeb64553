import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { isRequestId } from '../../core/decisions/requests.js';
import { approvalList, approvalRecord, taskAccepted, taskStatusResponse } from '../schemas.js';
import { describeApprovals } from '../inbox/format.js';
import { deadLetterList, deadLetterResubmitted } from '../dead-letter-schemas.js';
import { SERVICE_BUS_QUEUES } from '../../activities/integrations/service-bus/queues.js';
import { describeDecision, describeStatus, describeSubmission } from './format.js';
import { callApi, type ApiTarget } from './http.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export type CliEnv = Record<string, string | undefined>;

/** Exit codes: 0 done, 1 the API refused or could not be reached, 2 the command line itself is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const USAGE = `usage: ants <command> [options]

  ants task submit --agent-type <type> --task-type <type> --task-id <id>
                   [--input '<json object>' | --input-file <file.json>]
                   [--priority 1-5] [--require-approval] [--approval-timeout <seconds>] [--tenant <id>]
  ants task status <taskId>
  ants approve <taskId | requestId> [--comment <text>] [--option <optionId>]
                       (--option: an escalated consensus round's chosen option, any of them)
  ants reject <taskId | requestId> [--comment <text>]
  ants approvals list [--status pending|approved|rejected|timed_out|all] [--limit <n>]
                       (request ids look like task.<taskId> or consensus.<roundId>)
  ants dead-letters list [--queue ants-tasks|ants-integrations] [--limit <n>]     (admin key)
  ants dead-letters resubmit <messageId> [--queue ants-tasks|ants-integrations]  (admin key)

options for every command:
  --json               print the API's JSON answer instead of a summary
  --api-url <url>      default: $ANTS_API_URL or http://127.0.0.1:3000
  --api-key <key>      default: $ANTS_API_KEY
`;

class UsageError extends Error {}

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  'api-url': { type: 'string' },
  'api-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const SUBMIT_OPTIONS = {
  ...COMMON_OPTIONS,
  'agent-type': { type: 'string' },
  'task-type': { type: 'string' },
  'task-id': { type: 'string' },
  tenant: { type: 'string' },
  priority: { type: 'string' },
  input: { type: 'string' },
  'input-file': { type: 'string' },
  'require-approval': { type: 'boolean' },
  'approval-timeout': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const DECIDE_OPTIONS = { ...COMMON_OPTIONS, comment: { type: 'string' }, option: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

interface Context {
  target: ApiTarget;
  json: boolean;
  io: CliIo;
}

/**
 * Runs one `ants` command line and answers its exit code. Everything it does goes through the HTTP API; it never
 * throws for a user's mistake, so tests (and bin.mjs) call it in-process.
 */
export async function runCli(argv: readonly string[], env: CliEnv, io: CliIo): Promise<number> {
  try {
    return await dispatch([...argv], env, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ants: ${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    // Anything else is the API being unreachable or answering nonsense: not the command line's fault.
    io.stderr(`ants: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

async function dispatch(argv: string[], env: CliEnv, io: CliIo): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.stderr : io.stdout)(USAGE);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === 'task' && second === 'submit') return submit(argv.slice(2), env, io);
  if (first === 'task' && second === 'status') return status(argv.slice(2), env, io);
  if (first === 'approve' || first === 'reject') return decide(first, argv.slice(1), env, io);
  if (first === 'approvals' && second === 'list') return listApprovals(argv.slice(2), env, io);
  if (first === 'dead-letters' && second === 'list') return listDeadLetters(argv.slice(2), env, io);
  if (first === 'dead-letters' && second === 'resubmit') return resubmitDeadLetter(argv.slice(2), env, io);
  throw new UsageError(`unknown command "${argv.slice(0, first === 'task' || first === 'dead-letters' ? 2 : 1).join(' ')}"`);
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, positionals: number) {
  const parsed = usageErrorOnThrow(() => parseArgs({ args, options, allowPositionals: true, strict: true }));
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(positionals === 1 ? 'give exactly one task id' : `unexpected argument "${parsed.positionals[0]}"`);
  }
  return parsed;
}

function usageErrorOnThrow<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function contextFrom(values: { json?: boolean; 'api-url'?: string; 'api-key'?: string }, env: CliEnv, io: CliIo): Context {
  const apiKey = values['api-key'] ?? env.ANTS_API_KEY;
  if (!apiKey) throw new UsageError('no API key: set ANTS_API_KEY or pass --api-key (npm run api-key creates one)');
  const baseUrl = values['api-url'] ?? env.ANTS_API_URL ?? 'http://127.0.0.1:3000';
  if (!URL.canParse(baseUrl)) throw new UsageError(`--api-url / ANTS_API_URL is not a URL: ${baseUrl}`);
  return { target: { baseUrl, apiKey }, json: values.json ?? false, io };
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, not "${value}"`);
  return Number(value);
}

/** The task's input from --input or --input-file, parsed here so a typo is a usage error, not a 400. */
async function taskInput(values: { input?: string; 'input-file'?: string }): Promise<unknown> {
  const inline = values.input;
  const file = values['input-file'];
  if (inline !== undefined && file !== undefined) throw new UsageError('give --input or --input-file, not both');
  if (inline === undefined && file === undefined) throw new UsageError('the task input is required: --input or --input-file');
  const text = inline ?? (await readText(file ?? ''));
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${inline !== undefined ? '--input' : file} is not valid JSON`);
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function submit(args: string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values } = parse(args, SUBMIT_OPTIONS, 0);
  if (values.help) return help(io);
  const body = {
    taskId: required(values['task-id'], '--task-id'),
    agentType: required(values['agent-type'], '--agent-type'),
    taskType: required(values['task-type'], '--task-type'),
    ...(values.tenant ? { tenant: values.tenant } : {}),
    ...optional('priority', integer(values.priority, '--priority')),
    ...optional('approvalTimeoutSeconds', integer(values['approval-timeout'], '--approval-timeout')),
    ...(values['require-approval'] ? { requireApproval: true } : {}),
    input: await taskInput(values),
  };
  const context = contextFrom(values, env, io);
  return request(context, 'POST', '/v1/tasks', body, taskAccepted, describeSubmission);
}

async function status(args: string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, COMMON_OPTIONS, 1);
  if (values.help) return help(io);
  const context = contextFrom(values, env, io);
  return request(context, 'GET', `/v1/tasks/${encodeURIComponent(positionals[0] ?? '')}`, undefined, taskStatusResponse, describeStatus);
}

async function decide(decision: 'approve' | 'reject', args: string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, DECIDE_OPTIONS, 1);
  if (values.help) return help(io);
  const context = contextFrom(values, env, io);
  const id = positionals[0] ?? '';
  if (values.option !== undefined && decision === 'reject') throw new UsageError('--option picks what to approve; a rejection adopts no option');
  const body = { decision, ...(values.comment ? { comment: values.comment } : {}), ...(values.option ? { option: values.option } : {}) };
  // An inbox request id (task.…, consensus.…) goes to the request; a bare task id to the task, as it always did.
  if (isRequestId(id)) {
    return request(context, 'POST', `/v1/approvals/${encodeURIComponent(id)}/decision`, body, approvalRecord, (record) => `Request ${id} ${describeDecision(record)}\n`);
  }
  return request(context, 'POST', `/v1/tasks/${encodeURIComponent(id)}/approval`, body, approvalRecord, (record) => `Task ${id} ${describeDecision(record)}\n`);
}

const LIST_OPTIONS = { ...COMMON_OPTIONS, status: { type: 'string' }, limit: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

async function listApprovals(args: string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values } = parse(args, LIST_OPTIONS, 0);
  if (values.help) return help(io);
  const context = contextFrom(values, env, io);
  const query = new URLSearchParams({ status: values.status ?? 'pending' });
  const limit = integer(values.limit, '--limit');
  if (limit !== undefined) query.set('limit', String(limit));
  return request(context, 'GET', `/v1/approvals?${query.toString()}`, undefined, approvalList, describeApprovals);
}

const DEAD_LETTER_OPTIONS = { ...COMMON_OPTIONS, queue: { type: 'string' }, limit: { type: 'string' } } as const satisfies ParseArgsConfig['options'];
const DEFAULT_INGRESS_QUEUE = SERVICE_BUS_QUEUES.tasks;

async function listDeadLetters(args: string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values } = parse(args, DEAD_LETTER_OPTIONS, 0);
  if (values.help) return help(io);
  const context = contextFrom(values, env, io);
  const query = new URLSearchParams({ queue: values.queue ?? DEFAULT_INGRESS_QUEUE });
  const limit = integer(values.limit, '--limit');
  if (limit !== undefined) query.set('limit', String(limit));
  return request(context, 'GET', `/v1/dead-letters?${query.toString()}`, undefined, deadLetterList, describeDeadLetters);
}

async function resubmitDeadLetter(args: string[], env: CliEnv, io: CliIo): Promise<number> {
  const { values, positionals } = usageErrorOnThrow(() => parseArgs({ args, options: DEAD_LETTER_OPTIONS, allowPositionals: true, strict: true }));
  if (values.help) return help(io);
  if (positionals.length !== 1) throw new UsageError('give exactly one message id');
  const context = contextFrom(values, env, io);
  const queue = values.queue ?? DEFAULT_INGRESS_QUEUE;
  const path = `/v1/dead-letters/${encodeURIComponent(queue)}/${encodeURIComponent(positionals[0] ?? '')}/resubmit`;
  return request(context, 'POST', path, undefined, deadLetterResubmitted, (done) => `Resubmitted ${done.messageId} to ${done.queue} as ${done.resubmittedAs} (starts task ${done.idempotencyKey} at most once)\n`);
}

function describeDeadLetters(list: z.infer<typeof deadLetterList>): string {
  if (list.deadLetters.length === 0) return `No dead letters on ${list.queue}\n`;
  const lines = list.deadLetters.map(
    (letter) => `${letter.messageId}  tenant=${letter.tenant ?? '-'}  ${letter.reason ?? 'no reason'}${letter.description ? `: ${letter.description}` : ''}  deliveries=${letter.deliveryCount}  enqueued=${letter.enqueuedAt ?? '-'}`,
  );
  return `${list.deadLetters.length} dead letter(s) on ${list.queue}\n${lines.join('\n')}\n`;
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

function help(io: CliIo): number {
  io.stdout(USAGE);
  return EXIT.ok;
}

/** Calls the API and prints its answer: JSON as is with --json, else a summary checked against the answer's schema. */
async function request<T>(
  { target, json, io }: Context,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
  describe: (answer: T) => string,
): Promise<number> {
  const answer = await callApi(target, method, path, body).catch((error: unknown) => {
    throw new Error(`cannot reach the API at ${target.baseUrl}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!answer.ok) {
    const field = answer.error.field ? ` (field ${answer.error.field})` : '';
    io.stderr(`ants: ${answer.status} ${answer.error.code}: ${answer.error.message}${field}\n`);
    return EXIT.failed;
  }
  if (json) {
    io.stdout(`${JSON.stringify(answer.body, null, 2)}\n`);
    return EXIT.ok;
  }
  const parsed = schema.safeParse(answer.body);
  // A newer server may answer fields this CLI does not know: show the raw answer rather than nothing.
  io.stdout(parsed.success ? describe(parsed.data) : `${JSON.stringify(answer.body, null, 2)}\n`);
  return EXIT.ok;
}
