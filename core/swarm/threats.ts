import { z } from 'zod';
import type { JsonObject } from '../tasks/json.js';
import type { Impact, ProposedEffect, ToolRunResult } from '../tasks/task.js';
import { PHEROMONE_STRENGTH } from './pheromones.js';

/*
 * Collective threat response (whitepaper §5.D): an alert lays a danger trail, a swarm sized by the severity is
 * recruited from the security agents, and they investigate in parallel — containment, forensics (the indicators split
 * between investigators), notification — each step a sandboxed playbook tool. High-impact containment waits for a
 * person. Pure: the plan and the reading of the tools' results.
 */

export const THREAT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ThreatSeverity = (typeof THREAT_SEVERITIES)[number];

/** The agent type the swarm is recruited from. */
export const SECURITY_AGENT_TYPE = 'selfops.secops';
/** Where the alarm is laid: every security agent watches this place. */
export const ALARM_LOCATION = 'security';

const indicator = z
  .object({ type: z.enum(['ip', 'domain', 'hash', 'user']), value: z.string().min(1).max(500), reputation: z.number().min(0).max(1).optional() })
  .strict();
const asset = z
  .object({ id: z.string().min(1).max(200), kind: z.enum(['host', 'account', 'service']), criticality: z.enum(['low', 'medium', 'high', 'critical']) })
  .strict();

/** An alert as it reaches ANTS (`POST /v1/threats`, or an integration). */
export const threatAlert = z
  .object({
    threatId: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore or dash'),
    title: z.string().min(1).max(300),
    severity: z.enum(THREAT_SEVERITIES),
    source: z.string().min(1).max(200).describe('What raised it: a SIEM rule, an EDR, a person'),
    indicators: z.array(indicator).max(1000).default([]),
    assets: z.array(asset).max(200).default([]),
    approvalTimeoutSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(3600),
  })
  .strict();
export type ThreatAlert = z.output<typeof threatAlert>;

export interface ThreatResponseInput extends ThreatAlert {
  tenant: string;
  requestedBy: string;
}

export type InvestigationStep = 'containment' | 'forensics' | 'notification';

export interface Investigation {
  /** `threat.<threatId>.<n>`: the market task that recruits and holds its investigator. */
  taskId: string;
  step: InvestigationStep;
  tool: string;
  input: JsonObject;
}

/** Swarm size by severity: investigators recruited, each holding one security agent's slot while it works. */
export const SWARM_SIZE: Record<ThreatSeverity, number> = { low: 1, medium: 2, high: 4, critical: 6 };
/** The alarm's strength and how long it lasts. */
export const ALARM: Record<ThreatSeverity, { strength: number; ttlMs: number }> = {
  low: { strength: PHEROMONE_STRENGTH.LOW, ttlMs: 15 * 60_000 },
  medium: { strength: PHEROMONE_STRENGTH.MEDIUM, ttlMs: 30 * 60_000 },
  high: { strength: PHEROMONE_STRENGTH.HIGH, ttlMs: 60 * 60_000 },
  critical: { strength: PHEROMONE_STRENGTH.CRITICAL, ttlMs: 2 * 60 * 60_000 },
};

export function investigationTaskId(threatId: string, n: number): string {
  return `threat.${threatId}.${n}`;
}

/**
 * Who does what: containment from high severity on, notification from medium on, and the rest of the swarm on
 * forensics, each investigator with its own share of the indicators.
 */
export function planThreatResponse(alert: ThreatAlert): Investigation[] {
  const size = SWARM_SIZE[alert.severity];
  const contain = alert.severity === 'high' || alert.severity === 'critical';
  const notify = alert.severity !== 'low';
  const forensics = Math.max(1, size - Number(contain) - Number(notify));
  const shards = Array.from({ length: forensics }, (_, shard) => alert.indicators.filter((_, i) => i % forensics === shard));
  const steps: Array<Omit<Investigation, 'taskId'>> = [
    ...(contain ? [{ step: 'containment' as const, tool: 'secops.contain', input: { threatId: alert.threatId, severity: alert.severity, assets: alert.assets, indicators: alert.indicators } }] : []),
    ...shards.map((indicators, shard) => ({ step: 'forensics' as const, tool: 'secops.investigate', input: { threatId: alert.threatId, shard, of: forensics, indicators } })),
    ...(notify ? [{ step: 'notification' as const, tool: 'secops.notify', input: { threatId: alert.threatId, severity: alert.severity, title: alert.title, assets: alert.assets } }] : []),
  ];
  return steps.map((step, n) => ({ ...step, taskId: investigationTaskId(alert.threatId, n + 1) }));
}

interface ContainmentAction {
  key: string;
  kind: 'host.isolate' | 'account.disable' | 'indicator.block';
  target: string;
  reason: string;
}

/** Actions that take something away from people: a person approves them first. Blocking an indicator does not. */
const HIGH_IMPACT = new Set<ContainmentAction['kind']>(['host.isolate', 'account.disable']);

const outputOf = (result: ToolRunResult | undefined): JsonObject => (result?.ok && result.output && typeof result.output === 'object' && !Array.isArray(result.output) ? result.output : {});

export function containmentEffects(threatId: string, containment: ToolRunResult | undefined): { effects: ProposedEffect[]; impact: Impact; needsPerson: boolean } {
  const actions = (outputOf(containment).actions ?? []) as unknown as ContainmentAction[];
  const effects = actions.map((a) => ({ key: `${a.kind}:${a.target}`, kind: a.kind, payload: { threatId, target: a.target, reason: a.reason } }));
  const needsPerson = actions.some((a) => HIGH_IMPACT.has(a.kind));
  return { effects, impact: needsPerson ? 'high' : effects.length > 0 ? 'medium' : 'low', needsPerson };
}

export interface Finding {
  indicator: string;
  verdict: 'malicious' | 'suspicious' | 'benign' | 'unknown';
  reason: string;
}

/** Every forensics investigator's findings, worst first, and a paragraph to remember them by. */
export function collectFindings(alert: ThreatAlert, forensics: readonly (ToolRunResult | undefined)[]): { findings: Finding[]; summary: string } {
  const rank = { malicious: 0, suspicious: 1, unknown: 2, benign: 3 } as const;
  const findings = forensics.flatMap((r) => (outputOf(r).findings ?? []) as unknown as Finding[]).sort((a, b) => rank[a.verdict] - rank[b.verdict] || a.indicator.localeCompare(b.indicator));
  const bad = findings.filter((f) => f.verdict === 'malicious' || f.verdict === 'suspicious');
  const summary =
    `Threat ${alert.threatId} (${alert.severity}, from ${alert.source}): ${alert.title}. ` +
    (bad.length === 0 ? 'No indicator was found malicious or suspicious.' : `Found ${bad.map((f) => `${f.indicator} ${f.verdict} (${f.reason})`).join('; ')}.`) +
    (alert.assets.length > 0 ? ` Assets involved: ${alert.assets.map((a) => `${a.kind} ${a.id}`).join(', ')}.` : '');
  return { findings, summary };
}
