import { z } from 'zod';
import { THREAT_SEVERITIES, threatAlert } from '../core/swarm/threats.js';

export { threatAlert };
export const threatParams = z.object({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/) }).strict();
export const threatAccepted = z.object({ threatId: z.string(), workflowId: z.string(), created: z.boolean() }).strict();

const finding = z.object({ indicator: z.string(), verdict: z.enum(['malicious', 'suspicious', 'benign', 'unknown']), reason: z.string() }).strict();
export const threatViewSchema = z
  .object({
    tenant: z.string(),
    threatId: z.string(),
    severity: z.enum(THREAT_SEVERITIES),
    status: z.enum(['mobilising', 'investigating', 'awaiting_approval', 'contained', 'closed']),
    detectedAt: z.string(),
    deployedAt: z.string().optional(),
    swarmDeployedMs: z.number().optional().describe('Detection → every investigator recruited and given its step'),
    recruited: z.object({ woken: z.array(z.string()), started: z.array(z.string()) }).strict().optional(),
    investigators: z.array(z.object({ taskId: z.string(), step: z.enum(['containment', 'forensics', 'notification']), agentId: z.string().nullable() }).strict()),
    findings: z.array(finding),
    containment: z
      .object({
        effects: z.array(z.record(z.string(), z.unknown())),
        needsPerson: z.boolean(),
        approval: z.record(z.string(), z.unknown()).optional(),
        applied: z.array(z.string()),
      })
      .strict()
      .optional(),
    notified: z.array(z.string()),
  })
  .strict();

/** Component names in the OpenAPI document. */
export const THREAT_NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [threatAlert, 'ThreatAlert'],
  [threatAccepted, 'ThreatAccepted'],
  [threatViewSchema, 'ThreatResponse'],
  [threatParams.shape.id, 'ThreatId'],
];
