import type { AntsConfig } from '../../infra/config.js';
import { openAiCompatibleReasoner } from './openai-compatible-reasoner.js';
import { playbookReasoner } from './playbook-reasoner.js';
import type { Reasoner } from './reasoner.js';

/** The reasoner the configuration asks for; the playbook is the default when no model is configured. */
export function createReasoner(config: AntsConfig): Reasoner {
  if (config.ANTS_MODEL_PROVIDER === 'openai-compatible' && config.OPENAI_BASE_URL) {
    return openAiCompatibleReasoner({ baseUrl: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY, model: config.OPENAI_MODEL });
  }
  return playbookReasoner;
}
