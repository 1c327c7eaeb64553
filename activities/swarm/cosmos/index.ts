export { createCosmosSwarmState, ensureSwarmContainer, DEFAULT_SWARM_CONTAINER, type CosmosSwarmStateOptions, type CosmosSwarmTarget } from './state.js';
