/**
 * The demo payments API's data shapes. One set of zod schemas is both the validator of every request and the
 * source of the OpenAPI document, so the document cannot drift from what the server accepts and returns.
 */
import { z } from 'zod';

const CUSTOMER_ID = /^cus_[A-Za-z0-9]{4,40}$/;
const CHARGE_ID = /^ch_[A-Za-z0-9]{4,40}$/;
const PAYMENT_INTENT_ID = /^pi_[A-Za-z0-9]{4,40}$/;

export const customerId = z.string().regex(CUSTOMER_ID).describe('A customer id (cus_…).');
export const chargeId = z.string().regex(CHARGE_ID).describe('A charge id (ch_…).');
export const paymentIntentId = z.string().regex(PAYMENT_INTENT_ID).describe('A payment intent id (pi_…).');

/** Minor units (cents for eur/usd/gbp): integers avoid any rounding between the API and a ledger. */
const amount = z.number().int().min(1).max(99_999_999).describe('Amount in the smallest currency unit (e.g. cents).');
const currency = z.enum(['eur', 'usd', 'gbp']).describe('Three-letter ISO currency code, lower case.');
const created = z.number().int().describe('When the object was created, in Unix seconds.');

export const metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 20, 'metadata takes at most 20 keys')
  .describe('Free-form string pairs (at most 20 keys of up to 40 characters, values up to 500). Charges keep the invoice they settle in `invoice` (e.g. INV-1001).');

export const customer = z.object({
  id: customerId,
  object: z.literal('customer'),
  name: z.string(),
  email: z.string(),
  currency,
  created,
  metadata,
});

export const chargeStatus = z.enum(['succeeded', 'pending', 'failed']);

export const charge = z.object({
  id: chargeId,
  object: z.literal('charge'),
  amount,
  currency,
  customer: customerId,
  status: chargeStatus,
  description: z.string().nullable(),
  metadata,
  payment_intent: paymentIntentId.nullable().describe('The payment intent this charge settled, if any.'),
  created,
});

export const paymentIntentStatus = z.enum(['requires_confirmation', 'succeeded', 'canceled']);

export const paymentIntent = z.object({
  id: paymentIntentId,
  object: z.literal('payment_intent'),
  amount,
  currency,
  customer: customerId,
  status: paymentIntentStatus,
  description: z.string().nullable(),
  metadata,
  latest_charge: chargeId.nullable().describe('The charge made when the intent was confirmed.'),
  created,
});

export type Customer = z.infer<typeof customer>;
export type Charge = z.infer<typeof charge>;
export type PaymentIntent = z.infer<typeof paymentIntent>;

function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal('list'),
    data: z.array(item),
    has_more: z.boolean().describe('Whether another page follows; pass the last id of this page as starting_after.'),
  });
}

export const customerList = listOf(customer);
export const chargeList = listOf(charge);
export const paymentIntentList = listOf(paymentIntent);

export const errorBody = z.object({
  error: z.object({
    type: z.enum(['invalid_request_error', 'authentication_error', 'idempotency_error', 'api_error']),
    message: z.string(),
    param: z.string().optional().describe('The parameter (query, body field or header) that was refused.'),
  }),
});

export type ErrorBody = z.infer<typeof errorBody>;

// ---- requests ----

const pagination = {
  limit: z.coerce.number().int().min(1).max(100).default(10).describe('Page size, 1 to 100.'),
  starting_after: z.string().min(1).optional().describe('An object id: the page starts right after it (newest first).'),
};

export const listCustomersQuery = z.strictObject(pagination);

export const listChargesQuery = z.strictObject({
  ...pagination,
  customer: customerId.optional().describe('Only charges of this customer.'),
  'created[gte]': z.coerce.number().int().min(0).optional().describe('Only charges created at or after this Unix time (seconds).'),
  'created[lte]': z.coerce.number().int().min(0).optional().describe('Only charges created at or before this Unix time (seconds).'),
});

export const listPaymentIntentsQuery = z.strictObject({
  ...pagination,
  customer: customerId.optional().describe('Only payment intents of this customer.'),
});

export const createCustomerBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email(),
  currency: currency.default('eur'),
  metadata: metadata.optional(),
});

export const createChargeBody = z.strictObject({
  amount,
  currency,
  customer: customerId,
  description: z.string().max(500).optional(),
  metadata: metadata.optional(),
});

export const createPaymentIntentBody = z.strictObject({
  amount,
  currency,
  customer: customerId,
  description: z.string().max(500).optional(),
  metadata: metadata.optional(),
});

export const idempotencyKey = z.string().min(1).max(255).describe('A client-chosen key; repeating it returns the first result instead of writing again.');

/** Components of the OpenAPI document, by name. */
export const NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [metadata, 'Metadata'],
  [customer, 'Customer'],
  [charge, 'Charge'],
  [paymentIntent, 'PaymentIntent'],
  [customerList, 'CustomerList'],
  [chargeList, 'ChargeList'],
  [paymentIntentList, 'PaymentIntentList'],
  [errorBody, 'Error'],
  [createCustomerBody, 'CreateCustomerRequest'],
  [createChargeBody, 'CreateChargeRequest'],
  [createPaymentIntentBody, 'CreatePaymentIntentRequest'],
];
