import type { ProviderName } from '../../../core/routing/model.js';
import { anthropicProvider } from './anthropic-chat.js';
import type { ChatProvider } from './chat.js';
import { geminiProvider } from './gemini-chat.js';
import { azureOpenAiProvider, openAiCompatibleProvider } from './openai-chat.js';

export interface ProviderOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  azureTokenProvider?: () => Promise<string>;
}

/** Every remote provider the `models` pool can call (the playbook runs in-process and needs none). */
export function createChatProviders(options: ProviderOptions = {}): Partial<Record<ProviderName, ChatProvider>> {
  return {
    'openai-compatible': openAiCompatibleProvider(options),
    'azure-openai': azureOpenAiProvider(options),
    anthropic: anthropicProvider(options),
    gemini: geminiProvider(options),
  };
}
