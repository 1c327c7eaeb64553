import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config.js';

describe('configuration', () => {
  it('has working defaults for the embedded stack', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.ANTS_API_PORT).toBe(3000);
    expect(config.ANTS_MODEL_PROVIDER).toBe('playbook');
  });

  it('refuses bad values with the name of the setting', () => {
    expect(() => loadConfig({ ANTS_API_PORT: 'eighty' })).toThrow(/ANTS_API_PORT/);
    expect(() => loadConfig({ ANTS_MODEL_PROVIDER: 'magic' })).toThrow(/ANTS_MODEL_PROVIDER/);
    expect(() => loadConfig({ ANTS_MODEL_PROVIDER: 'openai-compatible' })).toThrow(/OPENAI_BASE_URL/);
  });
});
