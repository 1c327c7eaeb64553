import { DemoApiError } from './errors.js';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

export interface PageRequest {
  limit: number;
  starting_after?: string | undefined;
}

/**
 * Cursor pagination, newest first. The cursor is an object id rather than an offset so a page stays correct while
 * new objects are created between requests: they sort before the cursor and never shift what comes after it.
 * `items` is in insertion order; ties on `created` fall back to it, so the order is total.
 */
export function paginate<T extends { id: string; created: number }>(items: readonly T[], request: PageRequest, keep: (item: T) => boolean, kind: string): ListPage<T> {
  const ordered = items.map((item, sequence) => ({ item, sequence })).sort((a, b) => b.item.created - a.item.created || b.sequence - a.sequence);
  let start = 0;
  if (request.starting_after !== undefined) {
    const cursor = ordered.findIndex(({ item }) => item.id === request.starting_after);
    if (cursor < 0) throw new DemoApiError(400, 'invalid_request_error', `starting_after: no such ${kind}: '${request.starting_after}'`, 'starting_after');
    start = cursor + 1;
  }
  const data: T[] = [];
  let hasMore = false;
  for (let index = start; index < ordered.length; index += 1) {
    const { item } = ordered[index] as { item: T };
    if (!keep(item)) continue;
    if (data.length === request.limit) {
      hasMore = true;
      break;
    }
    data.push(item);
  }
  return { object: 'list', data, has_more: hasMore };
}
