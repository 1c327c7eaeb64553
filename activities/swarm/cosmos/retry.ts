/*
 * Optimistic concurrency: read, decide, write only if nothing changed since the read (etags); when something did,
 * read again and decide again. Each conflict means another writer succeeded, so the loop always makes progress
 * overall; the bound only keeps one unlucky caller from spinning forever on a very hot document.
 */

export type Attempt<T> = { done: T } | 'retry';

const MAX_ATTEMPTS = 200;

/** A short random pause after repeated conflicts, so writers colliding on one document stop colliding in step. */
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));

export async function retryOnConflict<T>(what: string, attempt: () => Promise<Attempt<T>>): Promise<T> {
  for (let n = 0; n < MAX_ATTEMPTS; n += 1) {
    const outcome = await attempt();
    if (outcome !== 'retry') return outcome.done;
    if (n >= 2) await backoff(n);
  }
  throw new Error(`${what} kept meeting concurrent writes (${MAX_ATTEMPTS} attempts); try again`);
}
