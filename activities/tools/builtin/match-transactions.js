/*
 * finance.match_transactions: reconcile invoices against received payments.
 *
 * A sandbox tool: a plain script that defines `main(input)` and returns JSON. It runs
 * inside QuickJS with nothing from the host but console.log.
 *
 * Input:  { invoices: Line[], payments: Line[], amountTolerance?: number (default 0) }
 *         Line = { id: string, amount: number, currency: string, reference: string }
 * Output: { matched: [{ invoiceId, paymentId, difference }], unmatchedInvoices: [id],
 *           unmatchedPayments: [id], adjustments: [{ invoiceId, paymentId, amount, currency }],
 *           totalAdjustment: number }
 *
 * Matching (each payment used at most once, invoices taken in input order):
 *   1. by reference (trimmed, case-insensitive) with the same currency and
 *      |difference| <= amountTolerance;
 *   2. then, for what is left, by exact amount + currency.
 * difference = payment.amount - invoice.amount (positive: paid too much; negative: short).
 * Every non-zero difference becomes an adjustment of that signed amount, so booking the
 * adjustments closes every gap; totalAdjustment is their net sum.
 *
 * Both passes look payments up in maps, so 10,000 x 10,000 lines stay linear, not quadratic.
 */

// Amounts are decimals from JSON; rounding to 1e-6 removes binary noise such as
// 100.1 - 100 = 0.09999999999999432 without touching any real currency's minor unit.
const AMOUNT_PRECISION = 1e6;
// Keeps a difference of exactly the tolerance inside it despite binary rounding.
const TOLERANCE_EPSILON = 1e-9;

function roundAmount(value) {
  return Math.round(value * AMOUNT_PRECISION) / AMOUNT_PRECISION;
}

function fail(message) {
  throw new Error(`finance.match_transactions: ${message}`);
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readLines(input, field) {
  const lines = input[field];
  if (!Array.isArray(lines)) fail(`"${field}" must be an array`);
  const seenIds = new Set();
  return lines.map((line, index) => {
    const where = `${field}[${index}]`;
    if (!isPlainObject(line)) fail(`${where} must be an object`);
    if (typeof line.id !== 'string' || line.id === '') fail(`${where}.id must be a non-empty string`);
    if (typeof line.amount !== 'number' || !Number.isFinite(line.amount)) fail(`${where}.amount must be a finite number`);
    if (typeof line.currency !== 'string' || line.currency.trim() === '') fail(`${where}.currency must be a non-empty string`);
    if (typeof line.reference !== 'string') fail(`${where}.reference must be a string`);
    if (seenIds.has(line.id)) fail(`${where}.id "${line.id}" appears more than once`);
    seenIds.add(line.id);
    return {
      id: line.id,
      amount: line.amount,
      currency: line.currency.trim().toUpperCase(),
      reference: line.reference.trim().toLowerCase(),
    };
  });
}

function readTolerance(input) {
  const tolerance = input.amountTolerance ?? 0;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    fail('"amountTolerance" must be a non-negative number');
  }
  return tolerance;
}

/** Payment indexes grouped by key, in input order. A key of undefined leaves the payment out. */
function groupPaymentIndexes(payments, keyOf) {
  const groups = new Map();
  payments.forEach((payment, index) => {
    const key = keyOf(payment);
    if (key === undefined) return;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [index]);
    else group.push(index);
  });
  return groups;
}

/** Claims the first payment of `group` that is still free and accepted; -1 if none. */
function claimFirst(group, claimed, accepts) {
  for (const index of group ?? []) {
    if (!claimed[index] && accepts(index)) {
      claimed[index] = true;
      return index;
    }
  }
  return -1;
}

function amountKey(line) {
  return `${line.currency} ${roundAmount(line.amount)}`;
}

// The sandbox calls `main` by name; nothing in this file does.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
function main(input) {
  if (!isPlainObject(input)) fail('input must be an object');
  const invoices = readLines(input, 'invoices');
  const payments = readLines(input, 'payments');
  const tolerance = readTolerance(input);

  const claimed = payments.map(() => false);
  const paymentOfInvoice = invoices.map(() => -1);

  // 1. Reference pass. Empty references never match each other.
  const byReference = groupPaymentIndexes(payments, (payment) => (payment.reference === '' ? undefined : payment.reference));
  invoices.forEach((invoice, invoiceIndex) => {
    if (invoice.reference === '') return;
    paymentOfInvoice[invoiceIndex] = claimFirst(byReference.get(invoice.reference), claimed, (paymentIndex) => {
      const payment = payments[paymentIndex];
      return payment.currency === invoice.currency && Math.abs(payment.amount - invoice.amount) <= tolerance + TOLERANCE_EPSILON;
    });
  });

  // 2. Exact amount + currency pass for whatever is still open.
  const byAmount = groupPaymentIndexes(payments, amountKey);
  invoices.forEach((invoice, invoiceIndex) => {
    if (paymentOfInvoice[invoiceIndex] !== -1) return;
    paymentOfInvoice[invoiceIndex] = claimFirst(byAmount.get(amountKey(invoice)), claimed, () => true);
  });

  const matched = [];
  const adjustments = [];
  const unmatchedInvoices = [];
  let totalAdjustment = 0;
  invoices.forEach((invoice, invoiceIndex) => {
    const paymentIndex = paymentOfInvoice[invoiceIndex];
    if (paymentIndex === -1) {
      unmatchedInvoices.push(invoice.id);
      return;
    }
    const payment = payments[paymentIndex];
    const difference = roundAmount(payment.amount - invoice.amount);
    matched.push({ invoiceId: invoice.id, paymentId: payment.id, difference });
    if (difference !== 0) {
      adjustments.push({ invoiceId: invoice.id, paymentId: payment.id, amount: difference, currency: invoice.currency });
      totalAdjustment += difference;
    }
  });
  const unmatchedPayments = payments.filter((_payment, index) => !claimed[index]).map((payment) => payment.id);

  console.log(
    `matched ${matched.length} of ${invoices.length} invoice(s); ${adjustments.length} adjustment(s); ` +
      `${unmatchedPayments.length} unmatched payment(s)`,
  );
  return { matched, unmatchedInvoices, unmatchedPayments, adjustments, totalAdjustment: roundAmount(totalAdjustment) };
}
