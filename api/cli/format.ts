import type { ApprovalRecord } from '../../core/tasks/task.js';
import type { TaskAccepted, TaskStatusResponse } from '../schemas.js';

/** What a person reads; `--json` prints the API's answer instead. */

export function describeSubmission(accepted: TaskAccepted): string {
  const head = accepted.created
    ? `Submitted task ${accepted.taskId} (tenant ${accepted.tenant}): ${accepted.status}`
    : `Task ${accepted.taskId} was already submitted (tenant ${accepted.tenant}): ${accepted.status}; nothing new was started`;
  return `${head}\n  workflow  ${accepted.workflowId} (run ${accepted.runId})\n`;
}

export function describeStatus(task: TaskStatusResponse): string {
  const lines = [`Task ${task.taskId} (tenant ${task.tenant}): ${task.status}`];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(10)}${value}`);
  const { view, result } = task;
  if (view) {
    row('agent', `${view.agentType} / ${view.taskType}`);
    row('step', `${view.step} (attempt ${view.attempt})`);
    if (view.pendingApproval) {
      const pending = view.pendingApproval;
      row('waiting', `for a decision until ${pending.deadline}: ${pending.reasons.join('; ')}`);
      row('effects', `${pending.effects.length} proposed (impact ${pending.impact}): ${pending.effects.map((e) => e.key).join(', ') || 'none'}`);
    }
    if (view.lastError) row('last error', view.lastError);
  }
  if (result) {
    row('result', `${result.status} after ${result.attempts} attempt(s); ${result.appliedEffects.length} effect(s) applied`);
    if (result.approval) row('decision', describeDecision(result.approval));
  }
  if (task.error) row('error', task.error);
  row('workflow', `${task.workflowId} (Temporal: ${task.runStatus})`);
  return `${lines.join('\n')}\n`;
}

export function describeDecision(record: ApprovalRecord): string {
  const verb = record.decision === 'approve' ? `approved${record.option ? ` (${record.option})` : ''}` : 'rejected';
  const comment = record.comment ? ` — "${record.comment}"` : '';
  return `${verb} by ${record.approverId} at ${record.at} (via ${record.via})${comment}`;
}
