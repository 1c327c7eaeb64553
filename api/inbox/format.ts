import type { z } from 'zod';
import type { approvalList } from '../schemas.js';

/** `ants approvals list`: one block per request, in the inbox's order (severity, then age). */
export function describeApprovals({ approvals }: z.infer<typeof approvalList>): string {
  if (approvals.length === 0) return 'Nothing is waiting for a decision.\n';
  const blocks = approvals.map((a) => {
    const minutes = Math.round(a.ageSeconds / 60);
    const lines = [
      `${a.id}  ${a.severity.toUpperCase()}  ${a.status}  waiting ${minutes} min  tier ${a.tierName}${a.tierGroup ? ` (${a.tierGroup})` : ''}  until ${a.deadline}`,
      `  ${a.title}`,
      `  ${a.context.summary}`,
      ...a.context.reasons.map((r) => `  - ${r}`),
    ];
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
