import { planFromPlaybook } from '../../core/agents/plan.js';
import type { Reasoner } from './reasoner.js';

/** The default reasoner: follows the steps the agent type declares. Free, local and deterministic. */
export const playbookReasoner: Reasoner = {
  name: 'playbook',
  async plan(request, spec) {
    return planFromPlaybook(spec, request.input, request.attempt, request.context);
  },
};
