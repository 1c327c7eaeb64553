/**
 * The custom search attributes every ANTS workflow keeps current, so a person can find any run in the Temporal
 * Web UI (e.g. `AntsTenant="acme" AND AntsStatus="AWAITING_APPROVAL"`). Registered by the dev stack at start and
 * by the cluster's setup job in production.
 */
export const ANTS_SEARCH_ATTRIBUTES = {
  AntsTenant: 'Keyword',
  AntsAgentType: 'Keyword',
  AntsTaskType: 'Keyword',
  AntsPriority: 'Int',
  AntsStatus: 'Keyword',
  /** An agent instance's lifecycle state (COLD, WARMING, ACTIVE, IDLE, SLEEPING, RETIRED). */
  AntsAgentState: 'Keyword',
} as const;
