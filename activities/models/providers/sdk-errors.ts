import { ProviderError, kindOfStatus } from './chat.js';

/**
 * The SDKs (openai, @anthropic-ai/sdk, @google/genai) raise errors that carry an HTTP `status` when the provider
 * answered, and connection / timeout errors when it did not. One mapping for all of them.
 */
export function toProviderError(error: unknown, provider: string, signal?: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  const name = error instanceof Error ? error.constructor.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const status = statusOf(error);
  if (status !== undefined) {
    const retryAfter = retryAfterMs(error);
    return new ProviderError(kindOfStatus(status), `${provider} answered ${status}: ${message.slice(0, 300)}`, status, retryAfter);
  }
  if (signal?.aborted) return new ProviderError('timeout', `${provider} call cancelled`);
  if (/Timeout/i.test(name) || /timed? ?out/i.test(message)) return new ProviderError('timeout', `${provider} timed out: ${message.slice(0, 200)}`);
  return new ProviderError('unavailable', `${provider} is unreachable: ${message.slice(0, 200)}`);
}

function statusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object' || !('status' in error)) return undefined;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' && status >= 400 ? status : undefined;
}

function retryAfterMs(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object' || !('headers' in error)) return undefined;
  const headers = (error as { headers: unknown }).headers;
  let value: string | null | undefined;
  if (headers && typeof (headers as Headers).get === 'function') value = (headers as Headers).get('retry-after');
  else if (headers && typeof headers === 'object') value = (headers as Record<string, string | undefined>)['retry-after'];
  const seconds = value ? Number(value) : NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
