import type { ToolDraft, ToolLevel, ToolRecord, ToolStatus } from '../../../core/tools/tool.js';

/** Who registers: a person's API key name, or `agent:<type>` / `capability:<id>` for the meta-agent. */
export type Registration = ToolDraft & { creator: string };

export interface ToolSearch {
  name?: string;
  api?: string;
  sourceUrl?: string;
  /** The credential the tools use; null: tools that use none. */
  authSecret?: string | null;
  creator?: string;
  status?: ToolStatus;
  level?: ToolLevel;
  sort?: 'usage' | 'success' | 'recent';
  limit?: number;
}

export interface RecordedRun {
  /** The business id of the run (e.g. the task workflow's id and step): a retried activity records it once. */
  runId: string;
  toolId: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}

export interface RunRecorded {
  tool: ToolRecord;
  /** False when this run id was recorded before (a retry): nothing changed. */
  recorded: boolean;
  promoted: boolean;
}

export class ToolConflict extends Error {
  override readonly name = 'ToolConflict';
}

/**
 * The dynamic tool registry. Every call is for one tenant and sees only that tenant's tools. Registration is
 * idempotent on the tool's definition; a run is recorded once per run id; tools are deprecated, never deleted.
 */
export interface ToolRegistry {
  register(tenant: string, registration: Registration): Promise<{ tool: ToolRecord; created: boolean }>;
  get(tenant: string, id: string): Promise<ToolRecord | undefined>;
  /**
   * A name (the newest active version, else the newest in testing, else the newest deprecated one) or an exact id.
   * Deprecation is not followed here: callers decide (see followReplacements).
   */
  resolve(tenant: string, ref: string): Promise<ToolRecord | undefined>;
  search(tenant: string, query: ToolSearch): Promise<ToolRecord[]>;
  recordRun(tenant: string, run: RecordedRun): Promise<RunRecorded>;
  deprecate(tenant: string, id: string, replacementId: string | null): Promise<ToolRecord>;
}
