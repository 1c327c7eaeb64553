import { isGrpcServiceError, NamespaceNotFoundError, type Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

/**
 * A Temporal server started from its plain image has only the `temporal-system` namespace: the cluster setup job
 * registers ANTS's own (the dev server and the archived auto-setup image used to do it). Idempotent; answers whether
 * it registered the namespace now.
 */
export async function ensureNamespace(connection: Pick<Connection, 'workflowService'>, namespace: string, retentionDays: number): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
  } catch (error) {
    if (!(isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND)) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      description: 'ANTS agents, tasks, approvals and consensus rounds',
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
    return true;
  } catch (error) {
    // Another setup job registered it in between.
    if (isGrpcServiceError(error) && error.code === GRPC_ALREADY_EXISTS) return false;
    throw error;
  }
}

/** A namespace just registered reaches every server role's cache within seconds: retry what needs it until then. */
export async function untilNamespaceServes<T>(attempt: () => Promise<T>, withinMs = 60_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const notYet = error instanceof NamespaceNotFoundError || (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND);
      if (!notYet || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
