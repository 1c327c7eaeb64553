import { ActivityFailure, allHandlersFinished, condition, executeChild, proxyActivities, proxyLocalActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { AuditActivities } from '../../activities/audit/activities.js';
import type { ActivationActivities } from '../../activities/lifecycle/activation.js';
import type { IntegrationsActivities } from '../../activities/integrations/activities.js';
import type { MemoryActivities } from '../../activities/memory/activities.js';
import type { ThreatActivities } from '../../activities/swarm/threat-activities.js';
import type { ToolsActivities } from '../../activities/tools/activities.js';
import { approvalId, approvalWorkflowId } from '../../core/decisions/requests.js';
import type { ThreatView } from '../../core/swarm/threat-view.js';
import { collectFindings, containmentEffects, planThreatResponse, SECURITY_AGENT_TYPE, type ThreatResponseInput } from '../../core/swarm/threats.js';
import type { JsonObject } from '../../core/tasks/json.js';
import type { ToolRunResult } from '../../core/tasks/task.js';
import { approvalWorkflow } from '../approval/workflow.js';
import { ACTIVATION_STEP } from '../agent/activity-options.js';
import { INTEGRATIONS_STEP, LOCAL_STEP, MEMORY_STEP, TOOLS_STEP } from '../task/activity-options.js';
import { useMarketplace } from '../task/marketplace.js';
import { AntsTenant } from '../task/search-attributes.js';
import { threatStatusQuery } from './messages.js';

const audit = proxyLocalActivities<AuditActivities>(LOCAL_STEP);
const swarm = proxyActivities<ThreatActivities>(MEMORY_STEP);
const memory = proxyActivities<MemoryActivities>(MEMORY_STEP);
const tools = proxyActivities<ToolsActivities>(TOOLS_STEP);
const integrations = proxyActivities<IntegrationsActivities>(INTEGRATIONS_STEP);
const activation = proxyActivities<ActivationActivities>(ACTIVATION_STEP);

/** Investigations are urgent work: they outbid everything else in the security agents' market. */
const THREAT_PRIORITY = 5;

/**
 * A threat's collective response: the alarm (a danger trail), a swarm of security agents recruited through the task
 * marketplace (waking or starting agents as needed), their investigations in parallel in the sandbox, the findings
 * remembered by the tenant, and containment — after a person's approval when it takes something away from people.
 */
export async function threatResponseWorkflow(input: ThreatResponseInput): Promise<ThreatView> {
  const detectedAt = new Date(workflowInfo().startTime);
  const plan = planThreatResponse(input);
  const view: ThreatView = {
    tenant: input.tenant,
    threatId: input.threatId,
    severity: input.severity,
    status: 'mobilising',
    detectedAt: detectedAt.toISOString(),
    investigators: plan.map((i) => ({ taskId: i.taskId, step: i.step, agentId: null })),
    findings: [],
    notified: [],
  };
  setHandler(threatStatusQuery, () => view);
  upsertSearchAttributes([{ key: AntsTenant, value: input.tenant }]);
  const show = (status: ThreatView['status']) => {
    view.status = status;
    setCurrentDetails(`**${status}** · ${input.severity} threat \`${input.threatId}\` · ${plan.length} investigator(s)`);
  };
  const record = (kind: string, details: JsonObject) =>
    audit.recordAudit({ tenant: input.tenant, taskId: input.threatId, kind, actor: kind === 'threat.detected' ? input.requestedBy : 'threat-swarm', details, idempotencyKey: `${workflowInfo().workflowId}:${kind}` });
  show('mobilising');

  await swarm.raiseAlarm.executeWithOptions({ ...MEMORY_STEP, summary: `Alarm: ${input.severity} danger at security` }, [
    { tenant: input.tenant, threatId: input.threatId, severity: input.severity, title: input.title },
  ]);
  await record('threat.detected', { severity: input.severity, source: input.source, title: input.title, swarmSize: plan.length });

  // Recruitment: room for the whole swarm at once (waking and starting security agents), then every investigation is
  // a market task the security agents' bids decide.
  try {
    const recruited = await activation.ensureRoom.executeWithOptions({ ...ACTIVATION_STEP, summary: `Recruit ${plan.length} security agent slot(s)` }, [
      { tenant: input.tenant, agentType: SECURITY_AGENT_TYPE, reason: `threat:${input.threatId}`, slots: plan.length },
    ]);
    view.recruited = { woken: recruited.woken, started: recruited.started };
  } catch (error) {
    // No security agents deployed for the tenant: the investigations run on the pools, unassigned.
    if (!(error instanceof ActivityFailure)) throw error;
  }
  const markets = plan.map((investigation) =>
    useMarketplace({ tenant: input.tenant, taskId: investigation.taskId, agentType: SECURITY_AGENT_TYPE, taskType: `threat_${investigation.step}`, priority: THREAT_PRIORITY }, view.detectedAt),
  );
  try {
    const awards = await Promise.all(markets.map((market) => market.take()));
    awards.forEach((award, n) => {
      const investigator = view.investigators[n];
      if (investigator) investigator.agentId = award?.agentId ?? null;
    });
    const deployedAt = new Date();
    view.deployedAt = deployedAt.toISOString();
    view.swarmDeployedMs = deployedAt.getTime() - detectedAt.getTime();
    await record('threat.swarm_deployed', { swarmDeployedMs: view.swarmDeployedMs, investigators: view.investigators.map((i) => ({ step: i.step, agentId: i.agentId })) });
    show('investigating');

    const task = (taskId: string, step: string) => ({ tenant: input.tenant, taskId, agentType: SECURITY_AGENT_TYPE, taskType: `threat_${step}` });
    const results: ToolRunResult[][] = await Promise.all(
      plan.map((investigation) =>
        tools.executePlan.executeWithOptions({ ...TOOLS_STEP, summary: `${investigation.step}: ${investigation.tool}` }, [
          { task: task(investigation.taskId, investigation.step), attempt: 1, steps: [{ tool: investigation.tool, input: investigation.input }] },
        ]),
      ),
    );
    const resultOf = (step: string) => plan.flatMap((investigation, n) => (investigation.step === step ? [results[n]?.[0]] : []));

    const { findings, summary } = collectFindings(input, resultOf('forensics'));
    view.findings = findings;
    const notification = resultOf('notification')[0];
    const recipients = notification?.ok && notification.output && typeof notification.output === 'object' && !Array.isArray(notification.output) ? notification.output.recipients : undefined;
    view.notified = Array.isArray(recipients) ? recipients.map(String) : [];
    // The swarm's findings become what the tenant knows: the next alert on these indicators starts from them.
    await memory.storeMemory.executeWithOptions({ ...MEMORY_STEP, summary: 'Remember the findings' }, [
      {
        kind: 'semantic',
        tenant: input.tenant,
        agentId: view.investigators.find((i) => i.agentId)?.agentId ?? 'threat-swarm',
        agentType: SECURITY_AGENT_TYPE,
        content: summary,
        sourceKey: `threat:${input.threatId}:findings`,
        metadata: { threatId: input.threatId, severity: input.severity, findings: findings.length },
      },
    ]);

    const containment = containmentEffects(input.threatId, resultOf('containment')[0]);
    view.containment = { effects: containment.effects.map((e) => ({ key: e.key, kind: e.kind, payload: e.payload })), needsPerson: containment.needsPerson, applied: [] };
    let approved = !containment.needsPerson;
    if (containment.needsPerson) {
      show('awaiting_approval');
      const id = approvalId({ kind: 'threat', id: input.threatId });
      const outcome = await executeChild(approvalWorkflow, {
        workflowId: approvalWorkflowId(input.tenant, id),
        args: [
          {
            tenant: input.tenant,
            approvalId: id,
            subject: { kind: 'threat', id: input.threatId },
            agentType: SECURITY_AGENT_TYPE,
            title: `Contain ${input.severity} threat: ${input.title}`.slice(0, 300),
            severity: containment.impact,
            requestedBy: input.requestedBy,
            context: { summary, reasons: ['containment takes hosts or accounts away from people'], details: { findings: findings.map((f) => ({ ...f })), effects: view.containment.effects } },
            proposal: { effects: view.containment.effects },
            timeoutMs: input.approvalTimeoutSeconds * 1000,
            // Without a person, nothing is taken away: the blocks and isolations wait for the next decision.
            safeDefault: 'reject',
          },
        ],
      });
      view.containment.approval = outcome.record;
      approved = outcome.record.decision === 'approve';
    }
    if (approved && containment.effects.length > 0) {
      const applied = await integrations.applyEffects.executeWithOptions({ ...INTEGRATIONS_STEP, summary: `Contain: ${containment.effects.length} action(s)` }, [
        { task: task(input.threatId, 'containment'), effects: containment.effects },
      ]);
      view.containment.applied = [...applied.applied, ...applied.alreadyApplied];
    }
    await record('threat.closed', { findings: findings.length, contained: view.containment.applied.length, approved, notified: view.notified });
    show(view.containment.applied.length > 0 ? 'contained' : 'closed');
  } finally {
    // The investigators go back to other work whatever happened.
    for (const market of markets) await market.release(true);
  }
  await condition(allHandlersFinished);
  return view;
}
