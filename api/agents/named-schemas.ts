import type { z } from 'zod';
import * as s from './schemas.js';

/** The OpenAPI component names of the agent routes' schemas (spread into NAMED_SCHEMAS). */
export const AGENT_NAMED_SCHEMAS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [s.repositoryQuery, 'AgentRepositoryQuery'],
  [s.searchQuery, 'AgentSearchQuery'],
  [s.repositoryList, 'AgentRepositoryList'],
  [s.searchResults, 'AgentSearchResults'],
  [s.deployRequest, 'AgentDeployRequest'],
  [s.deploymentUpdate, 'AgentDeploymentUpdate'],
  [s.deploymentParams.shape.agentType, 'AgentTypeName'],
  [s.deployment, 'AgentDeployment'],
  [s.undeployed, 'AgentUndeployed'],
  [s.wakeRequest, 'AgentWakeRequest'],
  [s.activation, 'AgentActivation'],
  [s.eventRequest, 'EventRequest'],
  [s.eventAccepted, 'EventAccepted'],
  [s.agentParams.shape.id, 'AgentId'],
  [s.agentCosts, 'AgentCosts'],
  [s.tenantCosts, 'TenantAgentCosts'],
];
