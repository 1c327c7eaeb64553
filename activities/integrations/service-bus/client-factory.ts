import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import type { AntsConfig } from '../../../infra/config.js';
import { asClientLike, type ServiceBusClientLike } from './sdk-shapes.js';

/** The settings it reads (infra/config.ts validates them at start). */
export type ServiceBusSettings = Pick<AntsConfig, 'ANTS_SERVICEBUS_CONNECTION_STRING' | 'ANTS_SERVICEBUS_NAMESPACE' | 'ANTS_SERVICEBUS_MAX_SESSIONS' | 'ANTS_SERVICEBUS_RETRY_DELAY_MS'>;

export type ServiceBusCredentials = { kind: 'connection-string'; connectionString: string } | { kind: 'entra-id'; namespace: string };

/** Undefined in the local profile. A connection string wins when both are set. */
export function serviceBusCredentials(settings: Pick<ServiceBusSettings, 'ANTS_SERVICEBUS_CONNECTION_STRING' | 'ANTS_SERVICEBUS_NAMESPACE'>): ServiceBusCredentials | undefined {
  if (settings.ANTS_SERVICEBUS_CONNECTION_STRING) return { kind: 'connection-string', connectionString: settings.ANTS_SERVICEBUS_CONNECTION_STRING };
  if (settings.ANTS_SERVICEBUS_NAMESPACE) return { kind: 'entra-id', namespace: settings.ANTS_SERVICEBUS_NAMESPACE };
  return undefined;
}

export function createServiceBusClient(credentials: ServiceBusCredentials): ServiceBusClientLike {
  if (credentials.kind === 'entra-id') return asClientLike(new ServiceBusClient(credentials.namespace, new DefaultAzureCredential()));
  try {
    return asClientLike(new ServiceBusClient(credentials.connectionString));
  } catch {
    // The SDK's parse errors may quote what they could not parse.
    throw new Error('ANTS_SERVICEBUS_CONNECTION_STRING is not a valid Service Bus connection string');
  }
}
