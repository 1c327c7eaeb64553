/**
 * Per-call caps on a tool's HTTP traffic. Enforced in the worker *before* a request
 * is copied out of QuickJS (so a tool cannot make the host hold thousands of large
 * request bodies), and again on the host, which does not trust the worker's count.
 */
export const HTTP_CALL_LIMITS = {
  maxInFlight: 8,
  maxRequestsPerCall: 1000,
  /** The whole request description, mostly its body, in UTF-16 code units. */
  maxRequestChars: 4 * 1024 * 1024,
  maxRedirects: 5,
} as const;
