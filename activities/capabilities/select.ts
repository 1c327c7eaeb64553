import type { AntsConfig } from '../../infra/config.js';
import { openAiCompatibleCodeModel, type CodeModel } from './code-model.js';

/** The model that writes tools, when the configuration asks for one (ANTS_TOOL_WRITER=model). */
export function toolWritingModel(config: AntsConfig): CodeModel | undefined {
  if (config.ANTS_TOOL_WRITER !== 'model' || !config.OPENAI_BASE_URL) return undefined;
  return openAiCompatibleCodeModel({ baseUrl: config.OPENAI_BASE_URL, model: config.OPENAI_MODEL, ...(config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY } : {}) });
}
