import { badRequest, CosmosRefusal, isJsonDocument, PartitionWriter, type FakeContainer, type JsonDocument, type Partition } from './documents.js';

/*
 * Transactional batches (`x-ms-cosmos-is-batch-request` with `x-ms-cosmos-batch-atomic`): the operations run in
 * order against a copy of the partition, and the copy replaces the partition only if every one succeeded. On the
 * first failure the service answers 207 Multi-Status: that operation carries its own status, every other one 424
 * (Failed Dependency), and nothing was written.
 */

export interface BatchOperationResult {
  statusCode: number;
  requestCharge: number;
  eTag?: string;
  resourceBody?: JsonDocument;
}

const MAX_OPERATIONS = 100;

function optionalString(operation: JsonDocument, key: string): string | undefined {
  const value = operation[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`batch operation ${key} must be a string`);
  return value;
}

function body(operation: JsonDocument): JsonDocument {
  if (!isJsonDocument(operation.resourceBody)) throw badRequest('batch operation needs a resourceBody');
  return operation.resourceBody;
}

function id(operation: JsonDocument): string {
  const value = optionalString(operation, 'id');
  if (!value) throw badRequest('batch operation needs an id');
  return value;
}

function run(writer: PartitionWriter, operation: JsonDocument): BatchOperationResult {
  const ifMatch = optionalString(operation, 'ifMatch');
  const done = (statusCode: number, document?: JsonDocument): BatchOperationResult =>
    document ? { statusCode, requestCharge: 1, eTag: document._etag as string, resourceBody: document } : { statusCode, requestCharge: 1 };
  switch (operation.operationType) {
    case 'Create':
      return done(201, writer.create(body(operation)));
    case 'Upsert': {
      const { document, created } = writer.upsert(body(operation), ifMatch);
      return done(created ? 201 : 200, document);
    }
    case 'Read':
      return done(200, writer.read(id(operation)));
    case 'Replace':
      return done(200, writer.replace(id(operation), body(operation), ifMatch));
    case 'Delete':
      writer.delete(id(operation), ifMatch);
      return done(204);
    default:
      throw badRequest(`batch operation type ${String(operation.operationType)} is not supported by the fake`);
  }
}

/**
 * Runs the batch all-or-nothing. Malformed requests (not an array, too many operations, an operation for another
 * partition key) are refused as a whole with a 400, as the service does.
 */
export function runTransactionalBatch(container: FakeContainer, partitionKey: string, partition: Partition, operations: unknown): { status: number; results: BatchOperationResult[] } {
  if (!Array.isArray(operations) || operations.length === 0) throw badRequest('a batch request needs a non-empty array of operations');
  if (operations.length > MAX_OPERATIONS) throw badRequest(`a batch request holds at most ${MAX_OPERATIONS} operations`);
  const parsed = operations.map((operation) => {
    if (!isJsonDocument(operation)) throw badRequest('each batch operation must be an object');
    const own = optionalString(operation, 'partitionKey');
    if (own !== undefined && JSON.stringify(JSON.parse(own)) !== partitionKey) {
      throw badRequest('One or more operations within the batch request have a different partition key value than the request.');
    }
    return operation;
  });
  const staged: Partition = new Map(partition);
  const writer = new PartitionWriter(container, partitionKey, staged);
  const results: BatchOperationResult[] = [];
  for (const [index, operation] of parsed.entries()) {
    try {
      results.push(run(writer, operation));
    } catch (error) {
      if (!(error instanceof CosmosRefusal) || error.status === 400) throw error;
      const failed = parsed.map((_, i): BatchOperationResult => ({ statusCode: i === index ? error.status : 424, requestCharge: 0 }));
      return { status: 207, results: failed };
    }
  }
  partition.clear();
  for (const [key, document] of staged) partition.set(key, document);
  return { status: 200, results };
}
