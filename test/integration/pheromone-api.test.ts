import { describe, expect, it } from 'vitest';
import { tenantWithKeys, useDatabaseOnlyApi } from '../support/api.js';

const api = useDatabaseOnlyApi();

async function call(key: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const response = await api.app.inject({ method, url, payload, headers: { authorization: `Bearer ${key}` } });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

describe('pheromones API', () => {
  it('deposits, reinforces and lists trails of the key’s tenant only, strongest first', async () => {
    const acme = await tenantWithKeys(api.db, 'field');
    const other = await tenantWithKeys(api.db, 'field');
    const danger = await call(acme.keys.operator, 'POST', '/v1/pheromones', { type: 'danger', location: 'integrations.stripe', strength: 'CRITICAL', ttlSeconds: 60, data: { error: '429' } });
    expect(danger).toMatchObject({ status: 201, body: { type: 'danger', strength: 1, depositor: 'api:operator-person', data: { error: '429' } } });
    await call(acme.keys.operator, 'POST', '/v1/pheromones', { type: 'success', location: 'finance.reconciliation', strength: 0.4 });
    const reinforced = await call(acme.keys.operator, 'POST', '/v1/pheromones', { type: 'success', location: 'finance.reconciliation', strength: 0.4, reinforce: true });
    expect(reinforced.body.strength).toBeCloseTo(0.8, 2);

    const listed = await call(acme.keys.viewer, 'GET', '/v1/pheromones');
    expect(listed.body).toMatchObject({ tenant: acme.id, count: 2 });
    expect((listed.body.pheromones as Array<{ type: string }>).map((p) => p.type)).toEqual(['danger', 'success']);
    const filtered = await call(acme.keys.viewer, 'GET', '/v1/pheromones?type=success,task&location=finance.reconciliation&minStrength=0.5');
    expect(filtered.body).toMatchObject({ count: 1, pheromones: [{ type: 'success', location: 'finance.reconciliation' }] });
    expect((await call(other.keys.viewer, 'GET', '/v1/pheromones')).body).toMatchObject({ tenant: other.id, count: 0 });
  });

  it('refuses bad input with 400 and writes nothing; viewers cannot deposit', async () => {
    const acme = await tenantWithKeys(api.db, 'field');
    expect((await call(acme.keys.operator, 'POST', '/v1/pheromones', { type: 'smell', location: 'x' })).status).toBe(400);
    expect((await call(acme.keys.operator, 'POST', '/v1/pheromones', { type: 'task', location: 'x', strength: 2 })).status).toBe(400);
    const badLocation = await call(acme.keys.operator, 'POST', '/v1/pheromones', { type: 'task', location: 'no spaces here' });
    expect(badLocation).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    expect((await call(acme.keys.operator, 'GET', '/v1/pheromones?type=smell')).status).toBe(400);
    expect((await call(acme.keys.viewer, 'POST', '/v1/pheromones', { type: 'task', location: 'x' })).status).toBe(403);
    expect((await call(acme.keys.viewer, 'GET', '/v1/pheromones')).body).toMatchObject({ count: 0 });
  });
});
