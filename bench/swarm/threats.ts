import { fileURLToPath } from 'node:url';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { deployAgent } from '../../activities/lifecycle/deployments.js';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { buildApi } from '../../api/server.js';
import { findRepositoryEntry } from '../../core/agents/repository/index.js';
import { approvalId, approvalWorkflowId } from '../../core/decisions/requests.js';
import { percentile } from '../../core/swarm/metrics.js';
import { SWARM_SIZE } from '../../core/swarm/threats.js';
import { threatWorkflowId, type ThreatView } from '../../core/swarm/threat-view.js';
import { startInProcessPools } from '../../workers/in-process.js';
import { approveSignal } from '../../workflows/approval/messages.js';
import { createBaselineActivities } from '../baseline-activities.js';
import { argument, startBenchStack } from '../support/stack.js';

/*
 * Collective threat response: from the alert (POST /v1/threats) to every investigator of the swarm recruited and given
 * its step, for a run of critical alerts one after another (the first finds the security agents cold and starts them;
 * the rest find them awake), side by side with the floor: a bare workflow fanning out as many no-op activities on the
 * awards' queue, started and awaited from the same client.
 *   npm run bench:swarm:threats [-- --alerts 20]
 */

const BARE_QUEUE = 'bench-bare-fan-out';
const POLL_MS = 10;

const round = (v: number) => Math.round(v * 10) / 10;

async function main(): Promise<void> {
  const alerts = argument('alerts', 20);
  const stack = await startBenchStack('threats', { dbPoolSize: 20 });
  const { db, client, nativeConnection, config } = stack;
  const bundle = await stack.bundle(fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)));
  const pools = await startInProcessPools(nativeConnection, 'default', db, { workflowBundle: bundle, temporalClient: client, sandboxThreads: 2 });
  const bareWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: BARE_QUEUE,
    workflowBundle: await stack.bundle(fileURLToPath(new URL('./bare-fan-out.ts', import.meta.url))),
    activities: createBaselineActivities(),
  });
  const bareRunning = bareWorker.run();
  const api = buildApi({ db, temporal: client, config, logLevel: 'silent' });
  try {
    const tenant = `bench-threats-${Date.now()}`;
    await createTenant(db, tenant, 'Threat bench');
    const key = (await createApiKey(db, { tenant, name: 'siem-bridge', role: 'operator' })).key;
    const entry = findRepositoryEntry('selfops.secops');
    if (!entry) throw new Error('selfops.secops is not in the repository');
    const width = SWARM_SIZE.critical;
    await deployAgent({ db, temporal: client }, tenant, entry, { tier: 'on_demand', keepAliveMinutes: 60, idleMinutes: 30, resources: {}, warmInstances: 1, maxInstances: width, capacity: 1 });

    const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
      const answer = await api.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload: payload as Record<string, unknown> } : {}) });
      return { status: answer.statusCode, body: answer.json<ThreatView & { created?: boolean }>() };
    };

    const deployed: Array<{ clientMs: number; workflowMs: number; started: number }> = [];
    for (let i = 0; i < alerts; i += 1) {
      const threatId = `beacon-${i}`;
      const sent = performance.now();
      const raised = await call('POST', '/v1/threats', {
        threatId,
        title: `Ransomware beacon ${i}`,
        severity: 'critical',
        source: 'edr:bench',
        indicators: [{ type: 'hash', value: `e3b0c4${i}`, reputation: 0.95 }],
        assets: [{ id: `web-${i}`, kind: 'host', criticality: 'critical' }],
      });
      if (raised.status !== 202) throw new Error(`alert ${threatId} was refused: ${JSON.stringify(raised.body)}`);
      let view: ThreatView | undefined;
      for (;;) {
        const answer = await call('GET', `/v1/threats/${threatId}`);
        if (answer.status === 200 && answer.body.deployedAt) {
          view = answer.body;
          break;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      deployed.push({ clientMs: performance.now() - sent, workflowMs: view.swarmDeployedMs ?? NaN, started: view.recruited?.started.length ?? 0 });
      if (view.investigators.length !== width) throw new Error(`alert ${threatId} deployed ${view.investigators.length} investigators, not ${width}`);
      // The swarm goes back to other work only once the alert is over: approve its containment and wait for the end.
      const handle = client.workflow.getHandle(threatWorkflowId(tenant, threatId));
      for (;;) {
        const status = (await call('GET', `/v1/threats/${threatId}`)).body.status;
        if (status === 'awaiting_approval') {
          // The view may say so a moment before the approval's own workflow has started.
          const approval = client.workflow.getHandle(approvalWorkflowId(tenant, approvalId({ kind: 'threat', id: threatId })));
          const approved = await approval.signal(approveSignal, { approverId: 'bench-ciso', comment: 'contain' }).then(
            () => true,
            (error: unknown) => {
              if (error instanceof WorkflowNotFoundError) return false;
              throw error;
            },
          );
          if (approved) break;
        }
        if (status === 'contained' || status === 'closed') break;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      await handle.result();
    }

    const bare: number[] = [];
    for (let i = 0; i < alerts; i += 1) {
      const sent = performance.now();
      await client.workflow.execute('bareFanOutWorkflow', { workflowId: `bare-fan-out-${tenant}-${i}`, taskQueue: BARE_QUEUE, args: [width, BARE_QUEUE] });
      bare.push(performance.now() - sent);
    }

    const [cold, ...warm] = deployed;
    const warmClient = warm.map((d) => d.clientMs);
    const warmWorkflow = warm.map((d) => d.workflowMs);
    const rows = [
      { measure: 'first alert, agents cold (ms)', threat: round(cold?.clientMs ?? NaN), bare: round(bare[0] ?? NaN) },
      { measure: 'alert → deployed p50 (ms)', threat: round(percentile(warmClient, 0.5)), bare: round(percentile(bare, 0.5)) },
      { measure: 'alert → deployed p99 (ms)', threat: round(percentile(warmClient, 0.99)), bare: round(percentile(bare, 0.99)) },
      { measure: 'in workflow time p50 (ms)', threat: round(percentile(warmWorkflow, 0.5)), bare: NaN },
    ];
    const ratio = (a: number, b: number) => (Number.isFinite(b) && b > 0 ? String(Math.round((a / b) * 100) / 100) : '—');
    process.stdout.write(`\n${alerts} critical alerts one after another, swarm of ${width} (first alert started ${cold?.started ?? 0} agents)\n`);
    process.stdout.write('| measure | threat response | bare fan-out | ratio |\n|---|---:|---:|---:|\n');
    for (const row of rows) process.stdout.write(`| ${row.measure} | ${row.threat} | ${Number.isFinite(row.bare) ? row.bare : '—'} | ${ratio(row.threat, row.bare)} |\n`);
    process.stdout.write(`\nthreat response p50 ${rows[1]?.threat} ms (target < 1000; the product's own < 30000)\n`);
    process.stdout.write(`\n${JSON.stringify({ bench: 'swarm-threats', alerts, width, deployed, bare: bare.map(round) })}\n`);
  } finally {
    await api.close();
    bareWorker.shutdown();
    await bareRunning;
    await pools.shutdown();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
