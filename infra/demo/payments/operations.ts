/**
 * The demo API's operations as data: the server registers one handler per entry and the OpenAPI document is
 * written from the same list, so every documented path is served and every served path is documented.
 */
import type { z } from 'zod';
import * as s from './schemas.js';

export type HttpMethod = 'GET' | 'POST';

export interface OperationSpec {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI form (`/v1/charges/{id}`); the server turns `{id}` into its own `:id`. */
  path: string;
  summary: string;
  description?: string;
  /** The path parameter `id`, when the path has one: what it names. */
  idOf?: 'customer' | 'charge' | 'payment intent';
  query?: z.ZodObject;
  body?: z.ZodType;
  idempotencyKey?: 'required' | 'optional';
  /** The success status and its body. */
  success: { status: 200; schema: z.ZodType; description: string };
  /** Whether a list example (the first page of the seed) is shown. */
  listExample?: boolean;
}

export const OPERATIONS = [
  {
    operationId: 'listCustomers',
    method: 'GET',
    path: '/v1/customers',
    summary: 'List customers, newest first',
    query: s.listCustomersQuery,
    success: { status: 200, schema: s.customerList, description: 'A page of customers' },
    listExample: true,
  },
  {
    operationId: 'getCustomer',
    method: 'GET',
    path: '/v1/customers/{id}',
    summary: 'Retrieve a customer',
    idOf: 'customer',
    success: { status: 200, schema: s.customer, description: 'The customer' },
  },
  {
    operationId: 'createCustomer',
    method: 'POST',
    path: '/v1/customers',
    summary: 'Create a customer',
    body: s.createCustomerBody,
    idempotencyKey: 'optional',
    success: { status: 200, schema: s.customer, description: 'The new customer (or, for a repeated Idempotency-Key, the one created first)' },
  },
  {
    operationId: 'listCharges',
    method: 'GET',
    path: '/v1/charges',
    summary: 'List charges, newest first',
    description: 'Filters combine: `customer`, `created[gte]` and `created[lte]` (Unix seconds, inclusive). Each charge keeps the invoice it settles in `metadata.invoice`.',
    query: s.listChargesQuery,
    success: { status: 200, schema: s.chargeList, description: 'A page of charges' },
    listExample: true,
  },
  {
    operationId: 'getCharge',
    method: 'GET',
    path: '/v1/charges/{id}',
    summary: 'Retrieve a charge',
    idOf: 'charge',
    success: { status: 200, schema: s.charge, description: 'The charge' },
  },
  {
    operationId: 'createCharge',
    method: 'POST',
    path: '/v1/charges',
    summary: 'Charge a customer',
    description: 'Requires an Idempotency-Key header: repeating the request with the same key returns the charge made the first time.',
    body: s.createChargeBody,
    idempotencyKey: 'required',
    success: { status: 200, schema: s.charge, description: 'The charge (or, for a repeated Idempotency-Key, the one made first)' },
  },
  {
    operationId: 'listPaymentIntents',
    method: 'GET',
    path: '/v1/payment_intents',
    summary: 'List payment intents, newest first',
    query: s.listPaymentIntentsQuery,
    success: { status: 200, schema: s.paymentIntentList, description: 'A page of payment intents' },
    listExample: true,
  },
  {
    operationId: 'getPaymentIntent',
    method: 'GET',
    path: '/v1/payment_intents/{id}',
    summary: 'Retrieve a payment intent',
    idOf: 'payment intent',
    success: { status: 200, schema: s.paymentIntent, description: 'The payment intent' },
  },
  {
    operationId: 'createPaymentIntent',
    method: 'POST',
    path: '/v1/payment_intents',
    summary: 'Create a payment intent (status requires_confirmation)',
    body: s.createPaymentIntentBody,
    idempotencyKey: 'optional',
    success: { status: 200, schema: s.paymentIntent, description: 'The new payment intent (or, for a repeated Idempotency-Key, the one created first)' },
  },
  {
    operationId: 'confirmPaymentIntent',
    method: 'POST',
    path: '/v1/payment_intents/{id}/confirm',
    summary: 'Confirm a payment intent: it is charged and becomes succeeded',
    idOf: 'payment intent',
    idempotencyKey: 'optional',
    success: { status: 200, schema: s.paymentIntent, description: 'The confirmed payment intent, with latest_charge set' },
  },
] as const satisfies readonly OperationSpec[];

export type OperationId = (typeof OPERATIONS)[number]['operationId'];
