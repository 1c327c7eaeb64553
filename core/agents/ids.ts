/*
 * Agent instance ids. Inside a tenant an agent is `<agent type>-<n>` (what the API shows); its workflow id adds the
 * tenant (`agent:<tenant>:<agent type>:<n>`), so two tenants' agents never share a workflow.
 */
export function agentId(agentType: string, instance: number): string {
  return `${agentType}-${instance}`;
}

export function agentWorkflowId(tenant: string, agentType: string, instance: number): string {
  return `agent:${tenant}:${agentType}:${instance}`;
}

export function agentScheduleId(tenant: string, agentType: string): string {
  return `agent-schedule:${tenant}:${agentType}`;
}

/** `finance.reconciliation-3` → its type and instance number, or undefined when it is not an agent id. */
export function parseAgentId(id: string): { agentType: string; instance: number } | undefined {
  const match = /^([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)-([1-9][0-9]{0,5})$/.exec(id);
  return match?.[1] && match[2] ? { agentType: match[1], instance: Number(match[2]) } : undefined;
}
