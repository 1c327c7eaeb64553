/*
 * finance.charges_to_payments: turn a payment provider's charges into the ledger lines
 * finance.match_transactions reconciles.
 *
 * A sandbox tool: a plain script that defines `main(input)` and returns JSON.
 *
 * Input:  { charges: Charge[], statuses?: string[] (default ["succeeded"]) }
 *         Charge = { id: string, amount: integer (minor units), currency: string,
 *                    status?: string, metadata?: { invoice?: string }, description?: string }
 * Output: { payments: [{ id, amount, currency, reference }], skipped: [{ id, reason }] }
 *
 * Providers count money in minor units (cents); the ledger counts in major units. A few
 * currencies have no minor unit (JPY, KRW, ...) or three decimals (BHD, KWD, ...), so the
 * divisor depends on the currency. The reference is the invoice the charge names in its
 * metadata, else its description: that is what matching by reference compares.
 */

const ZERO_DECIMAL = ['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
const THREE_DECIMAL = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];

function fail(message) {
  throw new Error(`finance.charges_to_payments: ${message}`);
}

function divisorOf(currency) {
  if (ZERO_DECIMAL.includes(currency)) return 1;
  if (THREE_DECIMAL.includes(currency)) return 1000;
  return 100;
}

function referenceOf(charge) {
  const metadata = charge.metadata !== null && typeof charge.metadata === 'object' ? charge.metadata : {};
  if (typeof metadata.invoice === 'string' && metadata.invoice.trim() !== '') return metadata.invoice.trim();
  return typeof charge.description === 'string' ? charge.description.trim() : '';
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the sandbox calls main
function main(input) {
  if (input === null || typeof input !== 'object' || !Array.isArray(input.charges)) fail('"charges" must be an array');
  const statuses = Array.isArray(input.statuses) ? input.statuses : ['succeeded'];
  const payments = [];
  const skipped = [];
  const seen = new Set();
  input.charges.forEach((charge, index) => {
    const where = `charges[${index}]`;
    if (charge === null || typeof charge !== 'object') fail(`${where} must be an object`);
    if (typeof charge.id !== 'string' || charge.id === '') fail(`${where}.id must be a non-empty string`);
    if (!Number.isInteger(charge.amount)) fail(`${where}.amount must be an integer number of minor units`);
    if (typeof charge.currency !== 'string' || !/^[A-Za-z]{3}$/.test(charge.currency)) fail(`${where}.currency must be a 3-letter code`);
    if (seen.has(charge.id)) return skipped.push({ id: charge.id, reason: 'duplicate' });
    seen.add(charge.id);
    if (charge.status !== undefined && !statuses.includes(charge.status)) return skipped.push({ id: charge.id, reason: `status ${charge.status}` });
    const currency = charge.currency.toUpperCase();
    payments.push({ id: charge.id, amount: charge.amount / divisorOf(currency), currency, reference: referenceOf(charge) });
  });
  return { payments, skipped };
}
