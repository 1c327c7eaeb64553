/**
 * The demo's starting data, the same for the same seed: a handful of customers, ~120 charges spread over a
 * quarter with invoice references (what a reconciliation agent matches against an invoice list), and some
 * payment intents. Timestamps are fixed, not relative to now, so a page of results is reproducible.
 */
import type { Charge, Customer, PaymentIntent } from './schemas.js';
import { seededRandom } from '../../../core/random.js';

export interface SeedData {
  customers: Customer[];
  charges: Charge[];
  paymentIntents: PaymentIntent[];
}

export const DEFAULT_SEED = 1001;
export const SEED_CHARGE_COUNT = 120;
/** 2026-01-05T09:00:00Z: the first seeded charge. */
const SEED_START = Date.UTC(2026, 0, 5, 9) / 1000;
const DAY = 86_400;


const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Stripe-like opaque ids (`ch_…`), drawn from the given generator so the seed fixes them too. */
export function idGenerator(random: () => number): (prefix: 'cus' | 'ch' | 'pi') => string {
  return (prefix) => {
    let body = '';
    for (let i = 0; i < 14; i += 1) body += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
    return `${prefix}_${body}`;
  };
}

const COMPANIES: ReadonlyArray<{ name: string; domain: string; currency: Customer['currency'] }> = [
  { name: 'Acme Logistics GmbH', domain: 'acme-logistics.example', currency: 'eur' },
  { name: 'Northwind Traders Ltd', domain: 'northwind.example', currency: 'gbp' },
  { name: 'Globex Corporation', domain: 'globex.example', currency: 'usd' },
  { name: 'Initech Software BV', domain: 'initech.example', currency: 'eur' },
  { name: 'Umbrella Health Inc', domain: 'umbrella-health.example', currency: 'usd' },
  { name: 'Soylent Foods SARL', domain: 'soylent.example', currency: 'eur' },
];

const SERVICES = ['Monthly subscription', 'Consulting hours', 'Hardware order', 'Support plan', 'Implementation fee', 'License renewal'];

export function seedData(seed: number = DEFAULT_SEED): SeedData {
  const random = seededRandom(seed);
  const nextId = idGenerator(random);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const customers: Customer[] = COMPANIES.map((company, index) => ({
    id: nextId('cus'),
    object: 'customer',
    name: company.name,
    email: `billing@${company.domain}`,
    currency: company.currency,
    created: SEED_START - (90 - index * 7) * DAY,
    metadata: { account: `ACC-${2001 + index}` },
  }));

  const charges: Charge[] = [];
  for (let index = 0; index < SEED_CHARGE_COUNT; index += 1) {
    const owner = pick(customers);
    const invoice = `INV-${1001 + index}`;
    const service = pick(SERVICES);
    // Mostly settled; a few still pending or declined, as a real statement has.
    const roll = random();
    const status: Charge['status'] = roll < 0.06 ? 'failed' : roll < 0.1 ? 'pending' : 'succeeded';
    // One in twenty has lost its invoice reference: the case a reconciliation has to match by amount instead.
    const hasReference = random() >= 0.05;
    charges.push({
      id: nextId('ch'),
      object: 'charge',
      amount: 500 * Math.round(1 + random() * 400) + (random() < 0.3 ? Math.floor(random() * 100) : 0),
      currency: owner.currency,
      customer: owner.id,
      status,
      description: hasReference ? `${service} — ${invoice}` : service,
      metadata: hasReference ? { invoice } : {},
      payment_intent: null,
      // Roughly 0.75 days apart, at varying hours, so a quarter is covered in increasing order.
      created: SEED_START + Math.floor(index * 0.75 * DAY) + Math.floor(random() * 3600),
    });
  }

  const paymentIntents: PaymentIntent[] = [];
  for (let index = 0; index < 8; index += 1) {
    const owner = customers[index % customers.length] as Customer;
    const invoice = `INV-${1001 + SEED_CHARGE_COUNT + index}`;
    paymentIntents.push({
      id: nextId('pi'),
      object: 'payment_intent',
      amount: 1000 * Math.round(5 + random() * 200),
      currency: owner.currency,
      customer: owner.id,
      status: index < 6 ? 'requires_confirmation' : 'canceled',
      description: `Upcoming invoice ${invoice}`,
      metadata: { invoice },
      latest_charge: null,
      created: SEED_START + 91 * DAY + index * 3600,
    });
  }
  return { customers, charges, paymentIntents };
}
