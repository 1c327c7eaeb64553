/**
 * The largest request body the API reads: 256 KiB. Task inputs are business documents (a batch of invoices, an
 * alert), not files; anything larger belongs in storage the task refers to. Larger bodies answer 413 before they
 * are parsed.
 */
export const BODY_LIMIT_BYTES = 256 * 1024;
