import { z } from 'zod';

/*
 * The shape of one entry of the agent repository (whitepaper §10.4 A), checked when the repository loads so a
 * malformed entry stops the process at start instead of surfacing in a deployment months later.
 */

/** Dotted lower-case names: `finance.reconciliation`, `meta.integration_builder`. */
export const agentTypeName = z
  .string()
  .min(3)
  .max(96)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'dotted lower-case name, e.g. finance.reconciliation');

const word = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case word, underscores or dashes');
const toolName = agentTypeName.describe('A tool, named like an agent type: finance.match_transactions');

export const COST_TIERS = ['always_on', 'business_hours', 'on_demand'] as const;
export const costTier = z.enum(COST_TIERS);
export type CostTier = z.infer<typeof costTier>;

/** What an instance is when deployed and nothing has asked for it yet. */
export const DEFAULT_LIFECYCLES = ['active', 'sleeping', 'cold'] as const;
export const defaultLifecycle = z.enum(DEFAULT_LIFECYCLES);
export type DefaultLifecycle = z.infer<typeof defaultLifecycle>;

export const AGENT_CATEGORIES = ['departmental', 'industry', 'platform'] as const;
export const agentCategory = z.enum(AGENT_CATEGORIES);

export const playbookStep = z
  .object({
    name: word,
    description: z.string().min(10).max(300),
    /** The tool this step calls, when the step is done by a tool (it must be one of the entry's required tools). */
    tool: toolName.optional(),
  })
  .strict();

/**
 * The steps the `playbook` reasoner follows for this agent type. `executableTaskTypes` names the task types that
 * run today (they exist in the executable catalog, with their tools built in); an empty list means the playbook is
 * a truthful description whose tools are not part of ANTS yet, so the agent can be deployed and woken but cannot
 * be given tasks.
 */
export const repositoryPlaybook = z
  .object({
    procedure: word,
    version: z.number().int().min(1),
    summary: z.string().min(10).max(300),
    steps: z.array(playbookStep).min(1).max(20),
    executableTaskTypes: z.array(word).max(20),
  })
  .strict();

/** Event-driven activation (whitepaper §10.3 C): which events wake this agent type by default. */
export const wakeOnEvents = z
  .object({
    events: z.array(agentTypeName).min(1).max(20),
    threshold: z.number().int().min(1).max(10_000),
    sleepAfterIdleMinutes: z.number().int().min(1).max(24 * 60),
  })
  .strict();

export const repositoryEntry = z
  .object({
    agentType: agentTypeName,
    name: z.string().min(3).max(80),
    description: z.string().min(10).max(400),
    category: agentCategory,
    department: word.optional(),
    industry: word.optional(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'semantic version'),
    capabilities: z.array(word).min(1).max(20),
    requiredTools: z.array(toolName).max(20),
    costTier: costTier,
    defaultLifecycle: defaultLifecycle,
    estimatedCostPerHour: z.number().positive().max(100),
    /** Sleep after this many idle minutes unless a trigger or a deployment says otherwise. */
    idleMinutes: z.number().int().min(1).max(24 * 60),
    tags: z.array(word).max(20),
    playbook: repositoryPlaybook,
    wakeOn: wakeOnEvents.optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    // An industry agent belongs to an industry, everything else to a department: exactly one of the two.
    const wantsIndustry = entry.category === 'industry';
    if (wantsIndustry !== (entry.industry !== undefined) || wantsIndustry === (entry.department !== undefined)) {
      ctx.addIssue({ code: 'custom', path: [wantsIndustry ? 'industry' : 'department'], message: `a ${entry.category} agent names its ${wantsIndustry ? 'industry' : 'department'} and only that` });
    }
    for (const [index, step] of entry.playbook.steps.entries()) {
      if (step.tool && !entry.requiredTools.includes(step.tool)) {
        ctx.addIssue({ code: 'custom', path: ['playbook', 'steps', index, 'tool'], message: `tool ${step.tool} is not among the required tools` });
      }
    }
  });

export type RepositoryEntry = z.infer<typeof repositoryEntry>;
export type RepositoryEntryInput = z.input<typeof repositoryEntry>;
