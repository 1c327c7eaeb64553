import { EventHubConsumerClient, EventHubProducerClient, type CheckpointStore } from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { parseInput } from '../../../core/validation.js';
import type { PheromoneProducer } from './batching-sender.js';
import type { ConsumerFactory } from './feeds.js';
import { createEventHubsPheromoneField, type EventHubsFieldOptions, type EventHubsPheromoneField } from './field.js';

/**
 * Where the field's hub and checkpoints are. Either a namespace (reached with the worker's identity through
 * DefaultAzureCredential: no secret in configuration) or a connection string. Nothing here is ever logged, and errors
 * name the namespace and hub at most.
 */
export const eventHubsConnection = z
  .object({
    /** `<name>.servicebus.windows.net`. */
    namespace: z.string().min(1).optional(),
    connectionString: z.string().min(1).optional(),
    hub: z.string().min(1),
    /** The blob container for checkpoints and partition ownership: `https://<account>.blob.core.windows.net/<container>`, or a SAS URL. */
    checkpointUrl: z.string().url(),
  })
  .strict()
  .refine((c) => Boolean(c.namespace) !== Boolean(c.connectionString), { message: 'give either an Event Hubs namespace or a connection string, not both' });
export type EventHubsConnection = z.input<typeof eventHubsConnection>;

export interface EventHubsClients {
  producer: PheromoneProducer;
  consumerFor: ConsumerFactory;
  checkpointStore: CheckpointStore;
}

/** A SAS URL carries its own authorisation; a plain container URL is reached with the credential. */
function checkpointContainer(url: string, credential: () => TokenCredential): ContainerClient {
  return new URL(url).searchParams.has('sig') ? new ContainerClient(url) : new ContainerClient(url, credential());
}

export function createEventHubsClients(raw: EventHubsConnection, credentialFor: () => TokenCredential = () => new DefaultAzureCredential()): EventHubsClients {
  // The refinement's message names fields only: the input (possibly a connection string) is never echoed.
  const config = parseInput(eventHubsConnection, raw, 'Event Hubs configuration');
  let credential: TokenCredential | undefined;
  const sharedCredential = () => (credential ??= credentialFor());
  const checkpointStore = new BlobCheckpointStore(checkpointContainer(config.checkpointUrl, sharedCredential));
  const { connectionString, namespace, hub } = config;
  if (connectionString) {
    return {
      producer: new EventHubProducerClient(connectionString, hub),
      consumerFor: ({ consumerGroup, checkpointStore: store }) =>
        store ? new EventHubConsumerClient(consumerGroup, connectionString, hub, store) : new EventHubConsumerClient(consumerGroup, connectionString, hub),
      checkpointStore,
    };
  }
  if (!namespace) throw new Error('Event Hubs configuration needs a namespace or a connection string');
  return {
    producer: new EventHubProducerClient(namespace, hub, sharedCredential()),
    consumerFor: ({ consumerGroup, checkpointStore: store }) =>
      store ? new EventHubConsumerClient(consumerGroup, namespace, hub, sharedCredential(), store) : new EventHubConsumerClient(consumerGroup, namespace, hub, sharedCredential()),
    checkpointStore,
  };
}

/** The production field: clients from configuration, the system clock. */
export function createEventHubsPheromoneFieldFromConfig(
  connection: EventHubsConnection,
  options: Omit<EventHubsFieldOptions, 'producer' | 'consumerFor' | 'checkpointStore'> = {},
): EventHubsPheromoneField {
  return createEventHubsPheromoneField({ ...createEventHubsClients(connection), ...options });
}
