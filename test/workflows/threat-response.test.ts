import { describe, expect, it } from 'vitest';
import { deployAgent } from '../../activities/lifecycle/deployments.js';
import { createPostgresPheromoneField } from '../../activities/swarm/postgres-field.js';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { findRepositoryEntry } from '../../core/agents/repository/index.js';
import { approvalId, approvalWorkflowId } from '../../core/decisions/requests.js';
import type { ThreatView } from '../../core/swarm/threat-view.js';
import { threatWorkflowId } from '../../core/swarm/threat-view.js';
import { approveSignal } from '../../workflows/approval/messages.js';
import { useHarnessApi } from '../support/api.js';
import { useTaskHarness } from '../support/harness.js';
import { freshTenant } from '../support/stack.js';

/*
 * The collective threat response end to end: POST /v1/threats → the alarm, a swarm of security agents recruited
 * through the marketplace (started as needed), investigations in parallel in the sandbox, findings remembered, and
 * containment applied once a person approved it.
 */
const harness = useTaskHarness();
const api = useHarnessApi(harness);

async function securityTenant(maxInstances: number) {
  const tenant = freshTenant('threat');
  await createTenant(harness.db, tenant, 'Threat response');
  const key = (await createApiKey(harness.db, { tenant, name: 'siem-bridge', role: 'operator' })).key;
  const entry = findRepositoryEntry('selfops.secops');
  if (!entry) throw new Error('selfops.secops is not in the repository');
  await deployAgent({ db: harness.db, temporal: harness.env.client }, tenant, entry, { tier: 'on_demand', keepAliveMinutes: 60, idleMinutes: 30, resources: {}, warmInstances: 1, maxInstances, capacity: 1 });
  return { tenant, key };
}

const call = api.call;

async function until(key: string, threatId: string, done: (view: ThreatView) => boolean, what: string): Promise<ThreatView> {
  let last: ThreatView | undefined;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const answer = await call(key, 'GET', `/v1/threats/${threatId}`);
    if (answer.status === 200) {
      last = answer.body as unknown as ThreatView;
      if (done(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`threat ${threatId} never reached ${what}; last: ${JSON.stringify(last)}`);
}

const criticalAlert = {
  threatId: 'intrusion-7',
  title: 'Ransomware beacon from web-01',
  severity: 'critical',
  source: 'edr:rule-451',
  indicators: [
    { type: 'hash', value: 'e3b0c442', reputation: 0.95 },
    { type: 'ip', value: '203.0.113.9', reputation: 0.8 },
    { type: 'domain', value: 'cdn.example.com', reputation: 0.05 },
    { type: 'user', value: 'alice', reputation: 0.6 },
    { type: 'ip', value: '198.51.100.4' },
  ],
  assets: [
    { id: 'web-01', kind: 'host', criticality: 'critical' },
    { id: 'alice', kind: 'account', criticality: 'high' },
  ],
};

describe('collective threat response', () => {
  it('raises the alarm, recruits a swarm, investigates in parallel, remembers the findings and contains after approval', async () => {
    const { tenant, key } = await securityTenant(6);
    const raised = await call(key, 'POST', '/v1/threats', criticalAlert);
    expect(raised).toMatchObject({ status: 202, body: { threatId: 'intrusion-7', created: true } });
    expect((await call(key, 'POST', '/v1/threats', criticalAlert)).body).toMatchObject({ created: false });

    const waiting = await until(key, 'intrusion-7', (v) => v.status === 'awaiting_approval', 'its containment approval');
    // Six investigators, each a different security agent (capacity one each: five were started for the swarm).
    expect(waiting.investigators.map((i) => i.step)).toEqual(['containment', 'forensics', 'forensics', 'forensics', 'forensics', 'notification']);
    const agents = waiting.investigators.map((i) => i.agentId);
    expect(new Set(agents).size).toBe(6);
    expect(agents.every((a) => a?.startsWith('selfops.secops-'))).toBe(true);
    expect(waiting.swarmDeployedMs).toBeGreaterThan(0);
    // Room for the whole swarm was made in one step: the warm instance plus five started for it.
    expect(waiting.recruited?.started).toHaveLength(5);
    const alarm = await createPostgresPheromoneField(harness.db).detect({ tenant, types: ['danger'], location: 'security' });
    expect(alarm.map((t) => [t.depositor, t.strength])).toEqual([['threat:intrusion-7', 1]]);
    expect(waiting.findings.slice(0, 2).map((f) => [f.indicator, f.verdict])).toEqual([
      ['hash e3b0c442', 'malicious'],
      ['ip 203.0.113.9', 'malicious'],
    ]);
    expect(waiting.notified).toEqual(expect.arrayContaining(['soc-channel', 'incident-commander', 'ciso', 'owner:host:web-01']));
    expect(waiting.containment?.needsPerson).toBe(true);
    expect(waiting.containment?.applied).toEqual([]);

    await harness.env.client.workflow.getHandle(approvalWorkflowId(tenant, approvalId({ kind: 'threat', id: 'intrusion-7' }))).signal(approveSignal, { approverId: 'ciso-on-call', comment: 'contain now' });
    const done = await harness.env.client.workflow.getHandle(threatWorkflowId(tenant, 'intrusion-7')).result();
    expect(done.status).toBe('contained');
    const applied = await harness.db.query<{ effect_key: string }>('select effect_key from applied_effects where tenant_id = $1 and task_id = $2 order by effect_key', [tenant, 'intrusion-7']);
    expect(applied.rows.map((r) => r.effect_key)).toEqual(['account.disable:alice', 'host.isolate:web-01', 'indicator.block:hash:e3b0c442', 'indicator.block:ip:203.0.113.9']);

    const remembered = await harness.db.query<{ content: string }>('select content from semantic_memories where tenant_id = $1 and source_key = $2', [tenant, 'threat:intrusion-7:findings']);
    expect(remembered.rows[0]?.content).toContain('hash e3b0c442 malicious');
    const kinds = await harness.db.query<{ kind: string }>('select kind from audit_log where tenant_id = $1 and task_id = $2 order by id', [tenant, 'intrusion-7']);
    expect(kinds.rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['threat.detected', 'threat.swarm_deployed', 'threat.closed']));
    // The swarm goes back to other work.
    await expect.poll(async () => (await harness.db.query('select 1 from task_awards where tenant_id = $1 and released_at is null', [tenant])).rowCount, { timeout: 10_000 }).toBe(0);
  });

  it('answers a low threat with one investigator and nothing to approve', async () => {
    const { key } = await securityTenant(2);
    await call(key, 'POST', '/v1/threats', { threatId: 'scan-1', title: 'Port scan', severity: 'low', source: 'ids', indicators: [{ type: 'ip', value: '192.0.2.1', reputation: 0.3 }] });
    const closed = await until(key, 'scan-1', (v) => v.status === 'closed', 'closed');
    expect(closed.investigators.map((i) => i.step)).toEqual(['forensics']);
    expect(closed.containment).toMatchObject({ effects: [], needsPerson: false, applied: [] });
    expect((await call(key, 'POST', '/v1/threats', { threatId: 'x', title: 't', severity: 'apocalyptic', source: 's' })).status).toBe(400);
    expect((await call(key, 'GET', '/v1/threats/nope')).status).toBe(404);
  });
});
