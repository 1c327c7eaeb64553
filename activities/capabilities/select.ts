import type { RoutedChatDeps } from '../models/routed-chat.js';
import type { AntsConfig } from '../../infra/config.js';
import { openAiCompatibleCodeModel, type CodeModel } from './code-model.js';
import { routedCodeModel } from './routed-code-model.js';

/**
 * The model that writes tools when the configuration asks for one (ANTS_TOOL_WRITER=model): through the router when
 * the pool routes (its rules, budget, limits and cost records), else the OpenAI-compatible endpoint.
 */
export function toolWritingModel(config: AntsConfig, router?: RoutedChatDeps): CodeModel | undefined {
  if (config.ANTS_TOOL_WRITER !== 'model') return undefined;
  if (router) return routedCodeModel(router);
  if (!config.OPENAI_BASE_URL) return undefined;
  return openAiCompatibleCodeModel({ baseUrl: config.OPENAI_BASE_URL, model: config.OPENAI_MODEL, ...(config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY } : {}) });
}
