import { AGENT_CATALOG } from '../catalog.js';
import { CRM_AGENTS, FINANCE_AGENTS, HR_AGENTS, IT_AGENTS, SALES_MARKETING_AGENTS, SUPPLY_CHAIN_AGENTS } from './departmental.js';
import { FINSERV_AGENTS, HEALTHCARE_AGENTS, MANUFACTURING_AGENTS, RETAIL_AGENTS } from './industry.js';
import { PLATFORM_AGENTS } from './platform.js';
import { repositoryEntry, type RepositoryEntry, type RepositoryEntryInput } from './schema.js';
import { ALIAS_PREFIX } from '../../tools/capability.js';

export * from './schema.js';

const RAW_ENTRIES: readonly RepositoryEntryInput[] = [
  ...HR_AGENTS,
  ...CRM_AGENTS,
  ...SUPPLY_CHAIN_AGENTS,
  ...FINANCE_AGENTS,
  ...SALES_MARKETING_AGENTS,
  ...IT_AGENTS,
  ...FINSERV_AGENTS,
  ...RETAIL_AGENTS,
  ...MANUFACTURING_AGENTS,
  ...HEALTHCARE_AGENTS,
  ...PLATFORM_AGENTS,
];

/**
 * Validates the repository: every entry against the schema, agent types unique, and every task type a playbook
 * calls executable really is in the executable catalog (with the same tools), so the repository never promises a
 * task the task loop cannot run. Throws, naming every problem, when anything is off.
 */
export function loadRepository(raw: readonly unknown[], executable = AGENT_CATALOG): RepositoryEntry[] {
  const problems: string[] = [];
  const entries: RepositoryEntry[] = [];
  const seen = new Set<string>();
  raw.forEach((candidate, index) => {
    const parsed = repositoryEntry.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`entry ${index}: ${issue.path.join('.')}: ${issue.message}`);
      return;
    }
    const entry = parsed.data;
    if (seen.has(entry.agentType)) problems.push(`entry ${index}: agent type ${entry.agentType} appears twice`);
    seen.add(entry.agentType);
    const spec = executable.find((agent) => agent.agentType === entry.agentType);
    for (const taskType of entry.playbook.executableTaskTypes) {
      const task = spec?.taskTypes.find((t) => t.taskType === taskType);
      if (!task) {
        problems.push(`${entry.agentType}: task type ${taskType} is not in the executable catalog`);
        continue;
      }
      // `@alias` steps are tools of outside APIs the meta-agent builds at run time, not tools the agent ships with.
      const missing = task.playbook.steps.map((step) => step.tool).filter((tool) => !tool.startsWith(ALIAS_PREFIX) && !entry.requiredTools.includes(tool));
      if (missing.length > 0) problems.push(`${entry.agentType}: required tools lack ${missing.join(', ')} used by ${taskType}`);
    }
    entries.push(entry);
  });
  for (const agent of executable) {
    if (!seen.has(agent.agentType)) problems.push(`executable agent type ${agent.agentType} is missing from the repository`);
  }
  if (problems.length > 0) throw new Error(`invalid agent repository:\n  ${problems.join('\n  ')}`);
  return entries;
}

/** The whole repository, validated once when this module loads. */
export const AGENT_REPOSITORY: readonly RepositoryEntry[] = loadRepository(RAW_ENTRIES);

export function findRepositoryEntry(agentType: string): RepositoryEntry | undefined {
  return AGENT_REPOSITORY.find((entry) => entry.agentType === agentType);
}

/** True when the agent type has task types the task loop can run today. */
export function isExecutable(entry: RepositoryEntry): boolean {
  return entry.playbook.executableTaskTypes.length > 0;
}

export interface RepositoryFilter {
  department?: string;
  industry?: string;
  capability?: string;
  category?: string;
  costTier?: string;
}

/** Exact filters, all of which must hold (case-insensitive). */
export function filterRepository(filter: RepositoryFilter, entries: readonly RepositoryEntry[] = AGENT_REPOSITORY): RepositoryEntry[] {
  const same = (a: string | undefined, b: string | undefined) => b === undefined || a?.toLowerCase() === b.toLowerCase();
  return entries.filter(
    (entry) =>
      same(entry.department, filter.department) &&
      same(entry.industry, filter.industry) &&
      same(entry.category, filter.category) &&
      same(entry.costTier, filter.costTier) &&
      (filter.capability === undefined || entry.capabilities.some((capability) => same(capability, filter.capability))),
  );
}
