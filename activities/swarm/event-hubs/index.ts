/** The pheromone field on Azure Event Hubs (see field.ts for the design). */
export { createEventHubsPheromoneField, MAX_TTL_MS, type EventHubsFieldOptions, type EventHubsPheromoneField } from './field.js';
export { createEventHubsClients, createEventHubsPheromoneFieldFromConfig, eventHubsConnection, type EventHubsClients, type EventHubsConnection } from './clients.js';
export { consumerGroupFor, tenantConsumerGroup, type FeedPurpose } from './consumer-groups.js';
export type { ConsumerFactory, ConsumerRequest, PheromoneConsumer } from './feeds.js';
export type { PheromoneProducer, BatchingOptions } from './batching-sender.js';
