import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { followCapabilityTrails } from '../../api/capabilities/trail-follower.js';
import { createPostgresPheromoneField } from '../../activities/swarm/postgres-field.js';
import { capabilityId, type CapabilityView } from '../../core/tools/capability.js';
import { loadConfig } from '../../infra/config.js';
import { createPaymentsDemoApi } from '../../infra/demo/payments/index.js';
import { statusQuery } from '../../workflows/task/messages.js';
import { useHarnessApi } from '../support/api.js';
import { useTaskHarness } from '../support/harness.js';
import { freePort, freshTenant } from '../support/stack.js';

/*
 * The self-extending story end to end, offline: the local demo payments API and its OpenAPI document; the
 * meta-agent discovers it, writes one tool per operation, verifies each in the sandbox against the live API and
 * registers it; agents of the tenant use the tools; a reconciliation task that lacks the tool asks for it, waits,
 * and completes with it.
 */
const demoKey = loadConfig().ANTS_DEMO_API_KEY;
let demo: ReturnType<typeof createPaymentsDemoApi> | undefined;
let demoUrl = '';

// Before the harness starts the pools: they allow the demo's origin (a loopback address) and its credential.
beforeAll(async () => {
  const port = await freePort();
  process.env.ANTS_DEMO_API_PORT = String(port);
  demoUrl = `http://127.0.0.1:${port}`;
  demo = createPaymentsDemoApi({ apiKey: demoKey, serverUrl: demoUrl });
  await demo.listen({ host: '127.0.0.1', port });
});
afterAll(async () => {
  await demo?.close();
});

const harness = useTaskHarness();
const api = useHarnessApi(harness);
const call = api.call;

async function tenantKey(role: 'operator' | 'admin' = 'operator') {
  const tenant = freshTenant('cap');
  await createTenant(harness.db, tenant, 'Capabilities');
  return { tenant, key: (await createApiKey(harness.db, { tenant, name: `${role}-person`, role })).key, admin: (await createApiKey(harness.db, { tenant, name: 'admin-person', role: 'admin' })).key };
}

async function untilReady(key: string, capabilityId: string): Promise<CapabilityView> {
  let last: unknown;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const answer = await call(key, 'GET', `/v1/capabilities/${capabilityId}`);
    last = answer.body;
    if (answer.status === 200 && (answer.body.status === 'ready' || answer.body.status === 'failed') && answer.body.readyAt) return answer.body as unknown as CapabilityView;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`capability ${capabilityId} never finished; last: ${JSON.stringify(last)}`);
}

const specUrl = () => `${demoUrl}/openapi.json`;

describe('capabilities: the meta-agent builds tools from an API document', () => {
  it('discovers, writes, verifies and registers tools once, however many ask at the same time', async () => {
    const { key } = await tenantKey();
    const request = { api: { specUrl: specUrl() }, operations: ['listCharges', 'getCharge', 'listCustomers', 'createCharge'], secret: 'payments-demo' };
    const [first, second] = await Promise.all([call(key, 'POST', '/v1/capabilities', request), call(key, 'POST', '/v1/capabilities', { ...request, operations: ['listCharges'] })]);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(first.body.capabilityId).toBe(second.body.capabilityId);
    const view = await untilReady(key, String(first.body.capabilityId));
    expect(view.status).toBe('ready');
    expect(view.api).toMatchObject({ name: expect.any(String), source: 'openapi3', auth: 'bearer' });
    expect(Object.keys(view.tools).sort()).toEqual(['createCharge', 'getCharge', 'listCharges', 'listCustomers']);
    // Built once: one version per operation.
    expect(view.built.every((id) => id.endsWith('@1'))).toBe(true);
    expect(view.built).toHaveLength(4);
    expect(view.readyMs).toBeGreaterThan(0);

    const listed = await call(key, 'GET', `/v1/tools?api=${view.api?.name}`);
    expect(listed.body.count).toBe(4);
    const tools = listed.body.tools as Array<{ name: string; status: string; allowedHosts: string[]; authSecret: string | null; creator: string; sideEffects: boolean }>;
    expect(tools.every((t) => t.status === 'testing' && t.allowedHosts[0] === demoUrl && t.authSecret === 'payments-demo' && t.creator.startsWith('meta.integration_builder'))).toBe(true);
    // Only the write is marked as changing the outside world: tasks may run the reads, never it.
    expect(tools.filter((t) => t.sideEffects).map((t) => t.name)).toEqual([expect.stringMatching(/\.createCharge$/)]);

    // Asking again later is answered from the registry: nothing is built twice.
    const again = await call(key, 'POST', '/v1/capabilities', request);
    const repeat = await untilReady(key, String(again.body.capabilityId));
    expect(repeat.built.length === 0 || repeat.built.every((id) => view.built.includes(id))).toBe(true);
    expect(Object.keys(repeat.tools).sort()).toEqual(['createCharge', 'getCharge', 'listCharges', 'listCustomers']);
  });

  it('runs a registered tool through the API, counts its runs, promotes it after ten good ones, and follows a deprecation', async () => {
    const { key, admin } = await tenantKey();
    const built = await call(key, 'POST', '/v1/capabilities', { api: { specUrl: specUrl() }, operations: ['listCharges'], secret: 'payments-demo' });
    const view = await untilReady(key, String(built.body.capabilityId));
    const name = view.tools.listCharges as string;
    const run = await call(key, 'POST', `/v1/tools/${name}/execute`, { input: { limit: 3 }, runId: 'first-run' });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ ok: true, runId: 'first-run', toolId: `${name}@1`, status: 'testing' });
    expect((run.body.output as { data: unknown[] }).data).toHaveLength(3);
    // The same run id is the same run: answered again, counted once.
    expect((await call(key, 'POST', `/v1/tools/${name}/execute`, { input: { limit: 3 }, runId: 'first-run' })).body.durationMs).toBe(run.body.durationMs);
    // …and not a way to read another run's result: another input under that id is refused.
    expect((await call(key, 'POST', `/v1/tools/${name}/execute`, { input: { limit: 4 }, runId: 'first-run' })).status).toBe(409);
    let promoted = false;
    for (let n = 2; n <= 10; n += 1) promoted ||= (await call(key, 'POST', `/v1/tools/${name}/execute`, { input: { limit: 1 }, runId: `run-${n}` })).body.promoted === true;
    expect(promoted).toBe(true);
    const stats = await call(key, 'GET', `/v1/tools/${name}/stats`);
    expect(stats.body).toMatchObject({ status: 'active', stats: { runs: 10, successes: 10, successRate: 1 }, promotion: { minRuns: 10, runsRemaining: 0 } });

    // Bad input is refused against the tool's schema, and counts as a failed run.
    const bad = await call(key, 'POST', `/v1/tools/${name}/execute`, { input: { limit: 'lots' } });
    expect(bad.body).toMatchObject({ ok: false, error: expect.stringMatching(/^INVALID_INPUT/) });

    // Deprecation points callers at the replacement.
    const replacement = await call(key, 'POST', '/v1/tools', {
      name: `${name}V2`,
      description: 'List charges, first page only',
      code: `export async function main(input) {\n  try {\n    const res = await http.get('${demoUrl}/v1/charges', { query: { limit: input.limit ?? 10 }, auth: 'payments-demo' });\n    return res.json();\n  } catch (error) {\n    throw new Error('charges unavailable: ' + error.message);\n  }\n}`,
      allowedHosts: [demoUrl],
      authSecret: 'payments-demo',
      inputSchema: { type: 'object', properties: { limit: { type: 'integer' } } },
    });
    expect(replacement.status).toBe(201);
    const replacementId = (replacement.body.tool as { id: string }).id;
    expect((await call(key, 'POST', `/v1/tools/${name}@1/deprecate`, { replacementId })).status).toBe(403);
    expect((await call(admin, 'POST', `/v1/tools/${name}@1/deprecate`, { replacementId })).body).toMatchObject({ status: 'deprecated', replacementId });
    const redirected = await call(key, 'POST', `/v1/tools/${name}@1/execute`, { input: { limit: 2 } });
    expect(redirected.body).toMatchObject({ ok: true, toolId: replacementId, replaced: [`${name}@1`] });
  });

  it('refuses unsafe code at registration, naming the rule and the place', async () => {
    const { key, admin } = await tenantKey();
    const refused = await call(key, 'POST', '/v1/tools', { name: 'evil.tool', description: 'x', code: 'export function main() {\n  return eval("1");\n}' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/no-eval at 2:\d+/);
    expect((await call(key, 'POST', '/v1/tools', { name: 'finance.match_transactions', description: 'x', code: 'function main() { return 1; }' })).status).toBe(409);
    // More trust than RESTRICTED is an administrator's to give.
    const moderate = { name: 'acme.readFile', description: 'x', code: 'export function main() { return data.list(); }', level: 'MODERATE' };
    expect((await call(key, 'POST', '/v1/tools', moderate)).status).toBe(403);
    expect((await call(admin, 'POST', '/v1/tools', moderate)).status).toBe(201);
    // A document on the cloud metadata address is never fetched: the build fails, saying why.
    const metadata = await call(key, 'POST', '/v1/capabilities', { api: { specUrl: 'http://169.254.169.254/openapi.json' } });
    expect(metadata.status).toBe(202);
    const failed = await untilReady(key, String(metadata.body.capabilityId));
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/private, loopback, link-local or reserved/) });
    expect((await call(key, 'POST', '/v1/capabilities', { api: { specUrl: 'file:///etc/passwd' } })).status).toBe(400);
  });

  it('builds what a capability pheromone calls for: trails laid while nobody followed, and trails laid since', async () => {
    const { key } = await tenantKey();
    const trail = (operations: string[], secret?: string) => ({
      type: 'capability',
      location: 'integrations.payments',
      strength: 'HIGH',
      ttlSeconds: 600,
      data: { api: { specUrl: specUrl() }, operations, ...(secret ? { secret } : {}) },
    });
    // A trail that is no capability request is refused where it is laid.
    const refused = await call(key, 'POST', '/v1/pheromones', { ...trail(['listCharges']), data: { api: { specUrl: 'file:///etc/passwd' } } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_request', field: expect.stringMatching(/^data\.api/) } });

    // Laid before anybody follows the field: the follower serves it when it starts.
    expect((await call(key, 'POST', '/v1/pheromones', trail(['listCharges'], 'payments-demo'))).status).toBe(201);
    const follower = await followCapabilityTrails({ field: createPostgresPheromoneField(harness.db), temporal: harness.env.client, log: { warn: () => undefined } });
    try {
      await follower.caughtUp;
      const missed = await untilReady(key, capabilityId({ specUrl: specUrl() }, 'payments-demo'));
      expect(missed).toMatchObject({ status: 'ready', requested: expect.arrayContaining(['listCharges']) });

      // Laid while it follows (by another tenant): the notification starts that tenant's own build.
      const other = await tenantKey();
      expect((await call(other.key, 'POST', '/v1/pheromones', trail(['listCustomers'], 'payments-demo'))).status).toBe(201);
      const heard = await untilReady(other.key, capabilityId({ specUrl: specUrl() }, 'payments-demo'));
      expect(heard).toMatchObject({ status: 'ready', tenant: other.tenant });
      expect(Object.keys(heard.tools)).toEqual(['listCustomers']);
      // Served trails stop calling.
      for (const caller of [key, other.key]) {
        for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
          if ((await call(caller, 'GET', '/v1/pheromones?type=capability')).body.count === 0) break;
        }
        expect((await call(caller, 'GET', '/v1/pheromones?type=capability')).body.count).toBe(0);
      }
    } finally {
      await follower.stop();
    }
  });

  it('a reconciliation task that lacks the tool asks for it, waits, and completes with it', async () => {
    const { tenant, key } = await tenantKey();
    // The invoices are what the demo provider was paid for: its succeeded charges that name an invoice.
    const page = (await (await fetch(`${demoUrl}/v1/charges?limit=100`, { headers: { authorization: `Bearer ${demoKey}` } })).json()) as {
      data: Array<{ id: string; amount: number; currency: string; status: string; metadata?: { invoice?: string } }>;
    };
    const invoices = page.data
      .filter((c) => c.status === 'succeeded' && c.metadata?.invoice)
      .slice(0, 5)
      .map((c) => ({ id: `inv-${c.id}`, amount: c.amount / 100, currency: c.currency.toUpperCase(), reference: c.metadata?.invoice as string }));
    expect(invoices.length).toBe(5);
    const submitted = await call(key, 'POST', '/v1/tasks', {
      taskId: 'reconcile-from-api',
      agentType: 'finance.reconciliation',
      taskType: 'reconcile_charges',
      input: { invoices, chargesApi: { specUrl: specUrl(), secret: 'payments-demo' } },
    });
    expect(submitted.status).toBe(202);
    const handle = harness.env.client.workflow.getHandle(String(submitted.body.workflowId));
    // A first task of its kind has no similar episode to learn from: a person approves it (with nothing to apply).
    await harness.waitForStatus(handle, 'AWAITING_APPROVAL').catch(async (error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(await handle.query(statusQuery))}`);
    });
    const approver = (await createApiKey(harness.db, { tenant, name: 'approver-person', role: 'approver' })).key;
    expect((await call(approver, 'POST', '/v1/tasks/reconcile-from-api/approval', { decision: 'approve', comment: 'charges reconciled' })).status).toBe(200);
    const finished = await handle.result();
    const result = finished as { status: string; outputs: Array<{ tool: string; ok: boolean; output: { unmatchedInvoices?: string[]; matched?: unknown[] } }> };
    expect(result.status).toBe('COMPLETED');
    expect(result.outputs.map((o) => o.tool)).toEqual([expect.stringMatching(/\.listCharges@1$/), 'finance.charges_to_payments', 'finance.match_transactions']);
    expect(result.outputs[2]?.output.unmatchedInvoices).toEqual([]);
    expect(result.outputs[2]?.output.matched).toHaveLength(5);
    // The tool the task needed is now the tenant's, known by the API's URL, and the pattern is in procedural memory.
    const tools = await call(key, 'GET', `/v1/tools?sourceUrl=${encodeURIComponent(specUrl())}`);
    expect(tools.body.count).toBe(1);
    expect((tools.body.tools as Array<{ sourceUrl: string }>)[0]?.sourceUrl).toBe(specUrl());
    const remembered = await harness.db.query(`select procedure from procedures where tenant_id = $1 and procedure like 'integration-%'`, [tenant]);
    expect(remembered.rowCount).toBeGreaterThan(0);

    // The next task of the tenant finds the tool registered and binds it at once: no build is asked for.
    const build = harness.env.client.workflow.getHandle(`capability:${tenant}:${capabilityId({ specUrl: specUrl() }, 'payments-demo')}`);
    const buildRun = (await build.describe()).runId;
    const next = await call(key, 'POST', '/v1/tasks', {
      taskId: 'reconcile-again',
      agentType: 'finance.reconciliation',
      taskType: 'reconcile_charges',
      input: { invoices, chargesApi: { specUrl: specUrl(), secret: 'payments-demo' } },
    });
    const again = harness.env.client.workflow.getHandle(String(next.body.workflowId));
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const view = await again.query(statusQuery);
      if (view.status === 'AWAITING_APPROVAL') await call(approver, 'POST', '/v1/tasks/reconcile-again/approval', { decision: 'approve' });
      if (view.status === 'COMPLETED') break;
    }
    expect(((await again.result()) as { status: string }).status).toBe('COMPLETED');
    expect((await build.describe()).runId).toBe(buildRun);
    const history = await again.fetchHistory();
    expect(history.events?.some((event) => event.startChildWorkflowExecutionInitiatedEventAttributes)).toBe(false);
  });
});
