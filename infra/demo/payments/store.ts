import { DemoApiError, noSuch } from './errors.js';
import { paginate, type ListPage } from './pagination.js';
import type { z } from 'zod';
import type { Charge, Customer, PaymentIntent, createChargeBody, createCustomerBody, createPaymentIntentBody, listChargesQuery, listCustomersQuery, listPaymentIntentsQuery } from './schemas.js';
import { seededRandom } from '../../../core/random.js';
import { DEFAULT_SEED, idGenerator, seedData } from './seed.js';

type CreateCustomer = z.infer<typeof createCustomerBody>;
type CreateCharge = z.infer<typeof createChargeBody>;
type CreatePaymentIntent = z.infer<typeof createPaymentIntentBody>;

/** The demo's in-memory ledger. Everything is lost on restart, which is the point: every start is the same seed. */
export class PaymentsStore {
  private readonly customers: Customer[];
  private readonly charges: Charge[];
  private readonly paymentIntents: PaymentIntent[];
  private readonly nextId: (prefix: 'cus' | 'ch' | 'pi') => string;

  constructor(seed: number = DEFAULT_SEED) {
    const data = seedData(seed);
    this.customers = data.customers;
    this.charges = data.charges;
    this.paymentIntents = data.paymentIntents;
    // A separate stream for new ids, so creating objects never changes what the seed produced.
    this.nextId = idGenerator(seededRandom(seed ^ 0x5eed));
  }

  listCustomers(query: z.infer<typeof listCustomersQuery>): ListPage<Customer> {
    return paginate(this.customers, query, () => true, 'customer');
  }

  getCustomer(id: string): Customer {
    const found = this.customers.find((c) => c.id === id);
    if (!found) throw noSuch('customer', id);
    return found;
  }

  createCustomer(body: CreateCustomer): Customer {
    const created: Customer = { id: this.nextId('cus'), object: 'customer', name: body.name, email: body.email, currency: body.currency, created: nowSeconds(), metadata: body.metadata ?? {} };
    this.customers.push(created);
    return created;
  }

  listCharges(query: z.infer<typeof listChargesQuery>): ListPage<Charge> {
    const gte = query['created[gte]'];
    const lte = query['created[lte]'];
    const keep = (c: Charge) => (query.customer === undefined || c.customer === query.customer) && (gte === undefined || c.created >= gte) && (lte === undefined || c.created <= lte);
    return paginate(this.charges, query, keep, 'charge');
  }

  getCharge(id: string): Charge {
    const found = this.charges.find((c) => c.id === id);
    if (!found) throw noSuch('charge', id);
    return found;
  }

  createCharge(body: CreateCharge, paymentIntent: string | null = null): Charge {
    this.existingCustomer(body.customer);
    const created: Charge = {
      id: this.nextId('ch'),
      object: 'charge',
      amount: body.amount,
      currency: body.currency,
      customer: body.customer,
      status: 'succeeded',
      description: body.description ?? null,
      metadata: body.metadata ?? {},
      payment_intent: paymentIntent,
      created: nowSeconds(),
    };
    this.charges.push(created);
    return created;
  }

  listPaymentIntents(query: z.infer<typeof listPaymentIntentsQuery>): ListPage<PaymentIntent> {
    return paginate(this.paymentIntents, query, (p) => query.customer === undefined || p.customer === query.customer, 'payment intent');
  }

  getPaymentIntent(id: string): PaymentIntent {
    const found = this.paymentIntents.find((p) => p.id === id);
    if (!found) throw noSuch('payment intent', id);
    return found;
  }

  createPaymentIntent(body: CreatePaymentIntent): PaymentIntent {
    this.existingCustomer(body.customer);
    const created: PaymentIntent = {
      id: this.nextId('pi'),
      object: 'payment_intent',
      amount: body.amount,
      currency: body.currency,
      customer: body.customer,
      status: 'requires_confirmation',
      description: body.description ?? null,
      metadata: body.metadata ?? {},
      latest_charge: null,
      created: nowSeconds(),
    };
    this.paymentIntents.push(created);
    return created;
  }

  /** Settles the intent with a charge. Only an intent awaiting confirmation can be confirmed, and only once. */
  confirmPaymentIntent(id: string): PaymentIntent {
    const intent = this.getPaymentIntent(id);
    if (intent.status !== 'requires_confirmation') {
      throw new DemoApiError(400, 'invalid_request_error', `Payment intent '${id}' has status ${intent.status}; only one with status requires_confirmation can be confirmed.`);
    }
    const { amount, currency, customer, metadata } = intent;
    const settled = this.createCharge({ amount, currency, customer, metadata: { ...metadata }, ...(intent.description ? { description: intent.description } : {}) }, intent.id);
    intent.status = 'succeeded';
    intent.latest_charge = settled.id;
    return intent;
  }

  private existingCustomer(id: string): Customer {
    const found = this.customers.find((c) => c.id === id);
    if (!found) throw new DemoApiError(400, 'invalid_request_error', `No such customer: '${id}'`, 'customer');
    return found;
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
