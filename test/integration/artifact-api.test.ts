import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createPostgresWorkspace } from '../../activities/swarm/postgres-workspace.js';
import { createWorkspaceActivities } from '../../activities/swarm/workspace-activities.js';
import { findRepositoryEntry } from '../../core/agents/repository/index.js';
import { tenantWithKeys, useDatabaseOnlyApi } from '../support/api.js';

/*
 * The stigmergy workspace at its two edges: people leave and watch artifacts through the API; agents pick them up
 * through the memory pool's activities with their type's own capabilities.
 */
const api = useDatabaseOnlyApi();

async function call(key: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const response = await api.app.inject({ method, url, payload, headers: { authorization: `Bearer ${key}` } });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

describe('the shared workspace', () => {
  it('takes an artifact from a person, lets an able agent continue it and another review it, and shows every change', async () => {
    const tenant = await tenantWithKeys(api.db, 'stig');
    const capability = findRepositoryEntry('finance.reconciliation')?.capabilities[0];
    if (!capability) throw new Error('finance.reconciliation has no capability');
    const left = await call(tenant.keys.operator, 'POST', '/v1/artifacts', { id: 'close-2026-11', kind: 'month-end-close', title: 'November close', content: { done: ['bank'] }, continueCapability: capability });
    expect(left.status).toBe(201);
    expect(left.body).toMatchObject({ status: 'incomplete', createdBy: 'api:operator-person', reviewCapability: capability });
    expect((await call(tenant.keys.viewer, 'POST', '/v1/artifacts', { id: 'x', kind: 'k', title: 't', continueCapability: 'c' })).status).toBe(403);
    expect((await call(tenant.keys.operator, 'POST', '/v1/artifacts', { id: 'has space', kind: 'k', title: 't', continueCapability: 'c' })).status).toBe(400);

    const env = new MockActivityEnvironment();
    const run = <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A): Promise<R> => env.run(activity, ...args);
    const agents = createWorkspaceActivities({ workspace: createPostgresWorkspace(api.db) });
    // An agent type without the capability finds nothing; the reconciliation agent picks it up and submits it.
    expect(await run(agents.pickUpArtifact, { tenant: tenant.id, agentId: 'hr.onboarding-1', agentType: 'hr.onboarding', mode: 'work' })).toBeNull();
    const picked = await run(agents.pickUpArtifact, { tenant: tenant.id, agentId: 'finance.reconciliation-1', agentType: 'finance.reconciliation', mode: 'work' });
    expect(picked?.id).toBe('close-2026-11');
    await run(agents.saveArtifact, { tenant: tenant.id, id: 'close-2026-11', agentId: 'finance.reconciliation-1', expectedVersion: 1, content: { done: ['bank', 'cards'] }, status: 'needs_review' });
    // Its own work is not its to review: the refusal is final, not retried.
    await expect(run(agents.reviewArtifact, { tenant: tenant.id, id: 'close-2026-11', agentId: 'finance.reconciliation-1', expectedVersion: 2, verdict: 'approve' })).rejects.toMatchObject({ type: 'WorkspaceConflict', nonRetryable: true });
    expect(await run(agents.pickUpArtifact, { tenant: tenant.id, agentId: 'finance.reconciliation-1', agentType: 'finance.reconciliation', mode: 'review' })).toBeNull();
    expect(await run(agents.pickUpArtifact, { tenant: tenant.id, agentId: 'finance.reconciliation-2', agentType: 'finance.reconciliation', mode: 'review' })).toMatchObject({ id: 'close-2026-11' });
    await run(agents.reviewArtifact, { tenant: tenant.id, id: 'close-2026-11', agentId: 'finance.reconciliation-2', expectedVersion: 2, verdict: 'approve' });

    const shown = await call(tenant.keys.viewer, 'GET', '/v1/artifacts/close-2026-11');
    expect(shown.status).toBe(200);
    const body = shown.body as { artifact: { status: string; version: number }; events: Array<{ kind: string; actor: string }> };
    expect(body.artifact).toMatchObject({ status: 'done', version: 3 });
    expect(body.events.map((e) => `${e.kind}:${e.actor}`)).toEqual([
      'created:api:operator-person',
      'claimed:finance.reconciliation-1',
      'submitted:finance.reconciliation-1',
      'claimed:finance.reconciliation-2',
      'approved:finance.reconciliation-2',
    ]);
    expect((await call(tenant.keys.viewer, 'GET', '/v1/artifacts?status=done')).body).toMatchObject({ count: 1 });
    expect((await call(tenant.keys.viewer, 'GET', '/v1/artifacts?status=lost')).status).toBe(400);

    // Another tenant sees none of it.
    const other = await tenantWithKeys(api.db, 'stig');
    expect((await call(other.keys.admin, 'GET', '/v1/artifacts/close-2026-11')).status).toBe(404);
    expect((await call(other.keys.admin, 'GET', '/v1/artifacts')).body).toMatchObject({ count: 0 });
  });
});
