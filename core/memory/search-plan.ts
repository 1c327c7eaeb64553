/**
 * How a filtered vector search runs so that the filter never costs recall. pgvector's HNSW index (before 0.8's
 * iterative scans) returns its `ef_search` best candidates for the whole table and only then applies the WHERE
 * clause: a tenant holding 5% of the rows would keep about 5% of them. So:
 *  - a scope (tenant + dimension) of at most `exactScanMaxRows` rows is scanned exactly (a plain scan through the
 *    tenant index and a sort): perfect recall, and cheap at that size;
 *  - a larger scope uses the index with `ef_search` raised so that, in expectation, the candidates that survive
 *    the filter still number `oversample` × k — and when fewer than k survive anyway, the caller reruns exactly.
 */
export interface SearchPlanInput {
  k: number;
  /** Rows in the searched scope (tenant + dimension), counted up to `exactScanMaxRows + 1`. */
  scopeRows: number;
  /** Rows the index holds for this dimension (all tenants); an estimate is enough. */
  indexRows: number;
  exactScanMaxRows: number;
  oversample?: number;
}

export type SearchPlan = { mode: 'exact' } | { mode: 'index'; efSearch: number };

/** pgvector accepts `hnsw.ef_search` from 1 to 1000. */
export const MAX_EF_SEARCH = 1000;
const MIN_EF_SEARCH = 40;

export function planSearch({ k, scopeRows, indexRows, exactScanMaxRows, oversample = 2 }: SearchPlanInput): SearchPlan {
  if (scopeRows <= exactScanMaxRows) return { mode: 'exact' };
  const selectivity = Math.min(1, scopeRows / Math.max(indexRows, scopeRows, 1));
  const wanted = Math.ceil((k * oversample) / selectivity);
  return { mode: 'index', efSearch: Math.min(MAX_EF_SEARCH, Math.max(MIN_EF_SEARCH, wanted)) };
}
