import type { ActivityOptions } from '@temporalio/workflow';
import { TASK_QUEUES } from '../../core/tasks/queues.js';

const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 } as const;
/** Bad input, an invalid document or invalid generated code: retrying cannot help. */
const nonRetryableErrorTypes = ['InputError', 'InvalidApiDocument', 'InvalidTool', 'ToolNotFound', 'ModelConfigurationError'];

/** Fetching and parsing the API's document (or probing it) is egress: the integrations pool. */
export const DISCOVERY_STEP: ActivityOptions = { taskQueue: TASK_QUEUES.integrations, startToCloseTimeout: '2m', retry: { ...retry, nonRetryableErrorTypes } };

/** Writing a tool: a model when one is configured, the deterministic generator otherwise. */
export const WRITE_STEP: ActivityOptions = { taskQueue: TASK_QUEUES.models, startToCloseTimeout: '3m', heartbeatTimeout: '10s', retry: { ...retry, nonRetryableErrorTypes } };

/** Verifying (sandbox trials) and registering: only the tools pool runs tool code and holds the registry. */
export const TOOLS_REGISTRY_STEP: ActivityOptions = { taskQueue: TASK_QUEUES.tools, startToCloseTimeout: '5m', heartbeatTimeout: '10s', retry: { ...retry, nonRetryableErrorTypes } };
