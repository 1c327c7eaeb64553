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

  it('reads the tools settings: per-level sandbox limits as JSON, private origins, the tool writer', () => {
    const config = loadConfig({ ANTS_SANDBOX_LIMITS: '{"RESTRICTED":{"timeoutMs":10000}}', ANTS_TOOLS_PRIVATE_ORIGINS: 'http://10.0.0.5:8080, http://intranet:80' });
    expect(config.ANTS_SANDBOX_LIMITS).toEqual({ RESTRICTED: { timeoutMs: 10000 } });
    expect(config.ANTS_TOOLS_PRIVATE_ORIGINS).toEqual(['http://10.0.0.5:8080', 'http://intranet:80']);
    expect(loadConfig({}).ANTS_SANDBOX_LIMITS).toEqual({});
    expect(() => loadConfig({ ANTS_SANDBOX_LIMITS: 'fast please' })).toThrow(/ANTS_SANDBOX_LIMITS.*JSON/);
    expect(() => loadConfig({ ANTS_SANDBOX_LIMITS: '{"SUPERUSER":{"timeoutMs":1}}' })).toThrow(/ANTS_SANDBOX_LIMITS/);
    expect(() => loadConfig({ ANTS_SANDBOX_LIMITS: '{"RESTRICTED":{"cpus":4}}' })).toThrow(/ANTS_SANDBOX_LIMITS/);
    expect(() => loadConfig({ ANTS_TOOL_WRITER: 'model' })).toThrow(/ANTS_TOOL_WRITER=model needs the router/);
    expect(() => loadConfig({ ANTS_DEMO_API_KEY: 'short' })).toThrow(/ANTS_DEMO_API_KEY/);
  });
});
