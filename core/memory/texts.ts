import type { JsonValue } from '../tasks/json.js';

/**
 * The texts that stand for a memory when it is embedded. A task's situation is its type and its input in words,
 * so the same text describes a new task (the query of Retrieve) and a past one (the content of its episode).
 */
const MAX_INPUT_CHARS = 4_000;

const MAX_LIST_ITEMS = 20;

/** JSON in words ("3 items: id inv-1, amount 100; …"): models embed prose better, and braces and quotes cost tokens. */
function describeValue(value: JsonValue): string {
  if (value === null) return 'none';
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_LIST_ITEMS).map(describeValue).join('; ');
    const more = value.length > MAX_LIST_ITEMS ? `; and ${value.length - MAX_LIST_ITEMS} more` : '';
    return `${value.length} item${value.length === 1 ? '' : 's'}: ${shown}${more}`;
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, child]) => `${key} ${describeValue(child)}`)
      .join(', ');
  }
  return String(value).trim();
}

export function situationText(taskType: string, agentType: string, input: Record<string, JsonValue>): string {
  const fields = Object.entries(input)
    .map(([key, value]) => `${key}: ${describeValue(value)}`)
    .join('. ');
  const clipped = fields.length > MAX_INPUT_CHARS ? `${fields.slice(0, MAX_INPUT_CHARS)}…` : fields;
  return `A ${taskType.replace(/[._]/g, ' ')} task for the ${agentType.replace(/[._]/g, ' ')} agent. ${clipped}`;
}

export function episodeText(situation: string, procedure: string, tools: string[], outcome: string, humanComment?: string): string {
  const how = tools.length > 0 ? `using ${tools.join(', ')}` : 'without tools';
  const human = humanComment ? ` A person noted: ${humanComment}` : '';
  return `${situation} Handled with procedure ${procedure} ${how}; outcome: ${outcome}.${human}`;
}

export function procedureText(procedure: string, taskType: string, agentType: string, tools: string[]): string {
  const steps = tools.length > 0 ? ` Steps: ${tools.join(' then ')}.` : '';
  return `Procedure ${procedure.replace(/[._-]/g, ' ')} for ${taskType.replace(/[._]/g, ' ')} tasks, by the ${agentType.replace(/[._]/g, ' ')} agent.${steps}`;
}

export function humanCommentText(decision: string, taskType: string, comment: string): string {
  return `A person reviewing a ${taskType.replace(/[._]/g, ' ')} task decided to ${decision}: ${comment}`;
}
