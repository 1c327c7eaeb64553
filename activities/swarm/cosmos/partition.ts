import { BulkOperationType, type Container, type JSONObject, type OperationInput, type SqlParameter } from '@azure/cosmos';
import type { z } from 'zod';

/*
 * One tenant's logical partition of the swarm container: point reads, single-partition queries and transactional
 * batches, each with the tenant as the partition key — so no request of the adapter ever reaches another tenant's
 * documents or fans out across partitions. Documents read back are parsed, so a malformed one fails here by name.
 */

/** A write in a batch: create when absent, or replace what was read, only if it is still what was read (its etag). */
export type Write = { create: JSONObject } | { replace: JSONObject; id: string; etag: string };

export type BatchOutcome =
  | { committed: true }
  /** Nothing was written: the operation at `index` was refused with `status` (409 exists, 412 changed, 404 gone). */
  | { committed: false; index: number; status: number };

/** Statuses that mean "someone else wrote first": the caller re-reads and decides again. */
const CONCURRENCY_STATUSES = new Set([404, 409, 412]);

export class TenantPartition {
  constructor(
    private readonly container: Container,
    readonly tenant: string,
  ) {
    // The tenant is the partition key: an empty one would address the documents that have none.
    if (!tenant) throw new Error('a tenant partition needs a tenant');
  }

  /** The document, or undefined when there is none. */
  async read<S extends z.ZodType>(schema: S, id: string): Promise<z.output<S> | undefined> {
    const { resource, statusCode } = await this.container.item(id, this.tenant).read<JSONObject>();
    if (statusCode === 404 || resource === undefined) return undefined;
    return this.parse(schema, resource, id);
  }

  /** Documents of one kind whose top-level properties equal `equal`'s values, differ from `not`'s and are at least `atLeast`'s. */
  async query<S extends z.ZodType>(schema: S, kind: string, equal: Record<string, string> = {}, where: { not?: Record<string, string>; atLeast?: Record<string, string> } = {}): Promise<Array<z.output<S>>> {
    const parameters: SqlParameter[] = [{ name: '@kind', value: kind }];
    const conditions = ['c.kind = @kind'];
    const add = (operator: string, values: Record<string, string>) => {
      for (const [property, value] of Object.entries(values)) {
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(property)) throw new Error(`not a property name: ${property}`);
        const name = `@p${parameters.length}`;
        parameters.push({ name, value });
        conditions.push(`c.${property} ${operator} ${name}`);
      }
    };
    add('=', equal);
    add('!=', where.not ?? {});
    add('>=', where.atLeast ?? {});
    const { resources } = await this.container.items
      .query<JSONObject>({ query: `SELECT * FROM c WHERE ${conditions.join(' AND ')}`, parameters }, { partitionKey: this.tenant })
      .fetchAll();
    return resources.map((resource) => this.parse(schema, resource, String(resource.id)));
  }

  /** Writes all or nothing (a transactional batch in the tenant's partition). */
  async commit(writes: readonly Write[]): Promise<BatchOutcome> {
    const operations: OperationInput[] = writes.map((write) =>
      'create' in write
        ? { operationType: BulkOperationType.Create, resourceBody: write.create }
        : { operationType: BulkOperationType.Replace, id: write.id, resourceBody: write.replace, ifMatch: write.etag },
    );
    const response = await this.container.items.batch(operations, this.tenant);
    const results = response.result ?? [];
    const index = results.findIndex((r) => r.statusCode >= 400 && r.statusCode !== 424);
    if (index === -1 && results.length === writes.length && results.every((r) => r.statusCode < 400)) return { committed: true };
    const status = results[index]?.statusCode ?? response.code ?? 0;
    if (!CONCURRENCY_STATUSES.has(status)) throw new Error(`swarm state write refused in tenant ${this.tenant}: status ${status} at operation ${index}`);
    return { committed: false, index, status };
  }

  private parse<S extends z.ZodType>(schema: S, resource: unknown, id: string): z.output<S> {
    const parsed = schema.safeParse(resource);
    if (!parsed.success) throw new Error(`malformed swarm state document ${id} in tenant ${this.tenant}: ${parsed.error.message}`);
    return parsed.data;
  }
}

/** A document body as the JSON it is stored as (undefined properties dropped). */
export function asJson(body: object): JSONObject {
  return JSON.parse(JSON.stringify(body)) as JSONObject;
}
