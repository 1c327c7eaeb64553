import { z } from 'zod';
import type { VoterSpec } from './consensus.js';

/** A voter as people write it at the API: `{agentType}` votes through its playbook, `{model}` through a model. */
export const voterInput = z.union([
  z.object({ agentType: z.string().min(1).max(128) }).strict(),
  z.object({ model: z.string().min(1).max(200) }).strict(),
]);
export type VoterInput = z.infer<typeof voterInput>;

export function toVoterSpec(voter: VoterInput): VoterSpec {
  return 'agentType' in voter ? { kind: 'agent', agentType: voter.agentType } : { kind: 'model', model: voter.model };
}
