import { activeHourlyCost, DEFAULT_COST_MODEL } from '../costs.js';
import type { CostTier, DefaultLifecycle, RepositoryEntryInput } from './schema.js';

/**
 * A compact way to write repository entries: the fields every entry shares are derived here, once, so the data
 * files hold only what differs. The result is still checked against the schema when the repository loads.
 */
export interface AgentDraft {
  agentType: string;
  name: string;
  description: string;
  capabilities: string[];
  /** Tools the playbook needs; the built-in ones run today, the others are integrations a tenant must provide. */
  tools: string[];
  tags: string[];
  /** `[step name, what it does, tool?]`, in order. */
  steps: Array<[string, string, string?]>;
  summary: string;
  /** Defaults to the agent type's name; the executable agents keep their catalog procedure's name. */
  procedure?: string;
  tier?: CostTier;
  idleMinutes?: number;
  executableTaskTypes?: string[];
  wakeOn?: RepositoryEntryInput['wakeOn'];
}

/** Always-on agents start running; business-hours agents sleep until their schedule; on-demand ones start cold. */
const LIFECYCLE_OF_TIER: Record<CostTier, DefaultLifecycle> = { always_on: 'active', business_hours: 'sleeping', on_demand: 'cold' };

const DEPARTMENT_OF_PREFIX: Record<string, string> = {
  hr: 'hr',
  crm: 'crm',
  supply_chain: 'supply_chain',
  logistics: 'supply_chain',
  distribution: 'supply_chain',
  finance: 'finance',
  sales: 'sales',
  marketing: 'marketing',
  selfops: 'it',
  it: 'it',
  cybersecurity: 'security',
  meta: 'platform',
};

const INDUSTRY_OF_PREFIX: Record<string, string> = {
  finserv: 'finserv',
  retail: 'retail',
  manufacturing: 'manufacturing',
  healthcare: 'healthcare',
  lifesciences: 'healthcare',
};

function prefixOf(agentType: string): string {
  return agentType.split('.')[0] ?? agentType;
}

export function departmental(draft: AgentDraft): RepositoryEntryInput {
  const prefix = prefixOf(draft.agentType);
  return entry(draft, prefix === 'meta' || prefix === 'cybersecurity' ? 'platform' : 'departmental', { department: DEPARTMENT_OF_PREFIX[prefix] ?? prefix });
}

export function industry(draft: AgentDraft): RepositoryEntryInput {
  const prefix = prefixOf(draft.agentType);
  return entry(draft, 'industry', { industry: INDUSTRY_OF_PREFIX[prefix] ?? prefix });
}

function entry(draft: AgentDraft, category: RepositoryEntryInput['category'], owner: { department?: string; industry?: string }): RepositoryEntryInput {
  const tier = draft.tier ?? 'on_demand';
  return {
    agentType: draft.agentType,
    name: draft.name,
    description: draft.description,
    category,
    ...owner,
    version: '1.0.0',
    capabilities: draft.capabilities,
    requiredTools: draft.tools,
    costTier: tier,
    defaultLifecycle: LIFECYCLE_OF_TIER[tier],
    estimatedCostPerHour: activeHourlyCost(DEFAULT_COST_MODEL),
    idleMinutes: draft.idleMinutes ?? draft.wakeOn?.sleepAfterIdleMinutes ?? 30,
    tags: draft.tags,
    playbook: {
      procedure: draft.procedure ?? draft.agentType.split('.').slice(1).join('-').replace(/_/g, '-'),
      version: 1,
      summary: draft.summary,
      steps: draft.steps.map(([name, description, tool]) => ({ name, description, ...(tool ? { tool } : {}) })),
      executableTaskTypes: draft.executableTaskTypes ?? [],
    },
    ...(draft.wakeOn ? { wakeOn: draft.wakeOn } : {}),
  };
}
