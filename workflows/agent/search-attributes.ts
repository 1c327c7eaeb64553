import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { AgentState } from '../../core/agents/lifecycle.js';
import { AntsAgentType, AntsTenant } from '../task/search-attributes.js';

/** Typed key for `AntsAgentState` of core/tasks/search-attributes.ts: lists sleeping/active agents in the Web UI. */
export const AntsAgentState = defineSearchAttributeKey('AntsAgentState', SearchAttributeType.KEYWORD);

export function agentStateAttribute(state: AgentState): SearchAttributePair {
  return { key: AntsAgentState, value: state };
}

export function agentSearchAttributes(tenant: string, agentType: string, state: AgentState): SearchAttributePair[] {
  return [{ key: AntsTenant, value: tenant }, { key: AntsAgentType, value: agentType }, agentStateAttribute(state)];
}
