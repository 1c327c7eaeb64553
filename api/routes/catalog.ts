import type { z } from 'zod';
import type { Permission } from '../auth/roles.js';
import { errorResponse } from '../errors.js';
import {
  approvalRecord,
  approvalRequest,
  healthResponse,
  openApiDocumentSchema,
  taskAccepted,
  taskParams,
  taskStatusResponse,
  taskSubmission,
} from '../schemas.js';

/**
 * The API surface as data: each route's method, path, who may call it and the schemas of what goes in and out.
 * The handlers validate with these schemas and the OpenAPI document is generated from this table.
 */
export interface ResponseSpec {
  description: string;
  schema: z.ZodType;
}

export interface RouteSpec {
  operationId: string;
  method: 'GET' | 'POST';
  /** Fastify syntax (`:id`); the OpenAPI document rewrites it to `{id}`. */
  url: string;
  summary: string;
  /** Absent: no API key needed. */
  permission?: Permission;
  params?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
}

const error = (description: string): ResponseSpec => ({ description, schema: errorResponse });

const AUTH_ERRORS = {
  401: error('Missing, malformed, unknown or revoked API key'),
  403: error('The key’s role may not do this'),
};

export const ROUTES = {
  submitTask: {
    operationId: 'submitTask',
    method: 'POST',
    url: '/v1/tasks',
    summary: 'Submit a task (operator or admin). Submitting the same task id again starts nothing and answers created=false.',
    permission: 'submit',
    body: taskSubmission,
    responses: {
      202: { description: 'The task is running (or was already submitted)', schema: taskAccepted },
      400: error('Malformed JSON, an unknown field, an unknown agent or task type, or an input that does not fit the task type'),
      ...AUTH_ERRORS,
      403: error('The key’s role may not submit, or the body names another tenant'),
      413: error('The body is larger than 256 KiB'),
      415: error('The body is not application/json'),
      503: error('Temporal is unreachable; nothing was started'),
    },
  },
  taskStatus: {
    operationId: 'getTask',
    method: 'GET',
    url: '/v1/tasks/:id',
    summary: "A task's status: live progress while it runs, the result or the failure once it is closed.",
    permission: 'view',
    params: taskParams,
    responses: {
      200: { description: 'The task', schema: taskStatusResponse },
      400: error('The task id is not a valid identifier'),
      ...AUTH_ERRORS,
      404: error('No such task for this key’s tenant'),
      503: error('Temporal is unreachable'),
    },
  },
  decideApproval: {
    operationId: 'decideApproval',
    method: 'POST',
    url: '/v1/tasks/:id/approval',
    summary: 'Approve or reject the effects a task proposes (approver or admin). The key’s name is the approver id.',
    permission: 'approve',
    params: taskParams,
    body: approvalRequest,
    responses: {
      200: { description: 'The recorded decision', schema: approvalRecord },
      400: error('Malformed JSON or an invalid body'),
      ...AUTH_ERRORS,
      403: error('The key’s role may not approve, or this approver may not decide this task (e.g. they submitted it)'),
      404: error('No such task for this key’s tenant'),
      409: error('The task is not waiting for an approval'),
      413: error('The body is larger than 256 KiB'),
      415: error('The body is not application/json'),
      503: error('Temporal is unreachable'),
    },
  },
  health: {
    operationId: 'health',
    method: 'GET',
    url: '/healthz',
    summary: 'Liveness of the API and reachability of Temporal and PostgreSQL.',
    responses: {
      200: { description: 'Temporal and PostgreSQL answer', schema: healthResponse },
      503: { description: 'Temporal or PostgreSQL does not answer', schema: healthResponse },
    },
  },
  openApi: {
    operationId: 'openApi',
    method: 'GET',
    url: '/openapi.json',
    summary: 'This document.',
    responses: { 200: { description: 'The OpenAPI 3.1 document', schema: openApiDocumentSchema } },
  },
} as const satisfies Record<string, RouteSpec>;
