import { NetAppManagementClient } from '@azure/arm-netapp';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

/** The volume the integrations pool mounts over NFS and snapshots through ARM. */
export interface NetAppVolumeRef {
  resourceGroup: string;
  account: string;
  pool: string;
  volume: string;
}

export interface NetAppClientOptions {
  subscriptionId: string;
  credential: TokenCredential;
  /** ARM's address; Azure public cloud unless set (sovereign clouds, or a test double). */
  endpoint?: string;
  /** Extra trusted CA certificates (PEM), for an ARM endpoint with a private certificate. */
  trustedCertificates?: string[];
}

export function createNetAppClient({ subscriptionId, credential, endpoint, trustedCertificates }: NetAppClientOptions): NetAppManagementClient {
  return new NetAppManagementClient(credential, subscriptionId, {
    // The operations build URLs from `endpoint`; `$host` is the same address under its generated name.
    ...(endpoint ? { endpoint, $host: endpoint } : {}),
    ...(trustedCertificates?.length ? { tlsOptions: { ca: trustedCertificates } } : {}),
  });
}

/** The production client: the worker's managed identity (or whatever DefaultAzureCredential finds) — no secrets in config. */
export function netAppClientWithManagedIdentity(subscriptionId: string, endpoint?: string): NetAppManagementClient {
  return createNetAppClient({ subscriptionId, credential: new DefaultAzureCredential(), ...(endpoint ? { endpoint } : {}) });
}
