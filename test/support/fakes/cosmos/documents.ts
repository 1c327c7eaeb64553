import { randomBytes, randomUUID } from 'node:crypto';

/*
 * The fake account's data: databases, containers and documents, with the system properties and the rules the service
 * enforces on every write (ids, partition keys, etags). Each request is applied synchronously between two awaits, so
 * a single request — a transactional batch included — is atomic, as the service's per-partition writes are.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonDocument = { [key: string]: JsonValue };

/** A refusal in the service's terms: the HTTP status, the error code and a message (what the SDK turns into an ErrorResponse). */
export class CosmosRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new CosmosRefusal(404, 'NotFound', `Resource Not Found: ${what}`);
export const badRequest = (message: string) => new CosmosRefusal(400, 'BadRequest', message);

/** The documents of one logical partition, by id. */
export type Partition = Map<string, JsonDocument>;

export interface FakeContainer {
  id: string;
  rid: string;
  definition: JsonDocument;
  partitionKeyPath: string;
  /** By the partition key value as JSON (`["tenant-a"]`). */
  partitions: Map<string, Partition>;
}

export interface FakeDatabase {
  id: string;
  rid: string;
  definition: JsonDocument;
  containers: Map<string, FakeContainer>;
}

const rid = () => randomBytes(6).toString('base64').replace(/[+/=]/g, 'A');
const newEtag = () => `"${randomUUID()}"`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

export function isJsonDocument(value: unknown): value is JsonDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function systemProperties(self: string): JsonDocument {
  return { _rid: rid(), _self: self, _etag: newEtag(), _ts: nowSeconds() };
}

export class FakeAccount {
  readonly databases = new Map<string, FakeDatabase>();

  createDatabase(body: unknown): FakeDatabase {
    if (!isJsonDocument(body) || typeof body.id !== 'string' || body.id === '') throw badRequest('a database needs an id');
    if (this.databases.has(body.id)) throw new CosmosRefusal(409, 'Conflict', `Database ${body.id} already exists`);
    const id = body.id;
    const dbRid = rid();
    const database: FakeDatabase = { id, rid: dbRid, containers: new Map(), definition: { id, ...systemProperties(`dbs/${dbRid}/`), _colls: 'colls/', _users: 'users/' } };
    this.databases.set(id, database);
    return database;
  }

  database(id: string): FakeDatabase {
    const database = this.databases.get(id);
    if (!database) throw notFound(`database ${id}`);
    return database;
  }

  createContainer(databaseId: string, body: unknown): FakeContainer {
    const database = this.database(databaseId);
    if (!isJsonDocument(body) || typeof body.id !== 'string' || body.id === '') throw badRequest('a container needs an id');
    if (database.containers.has(body.id)) throw new CosmosRefusal(409, 'Conflict', `Container ${body.id} already exists`);
    const partitionKey = body.partitionKey;
    const paths = isJsonDocument(partitionKey) && Array.isArray(partitionKey.paths) ? partitionKey.paths : [];
    // One top-level path is all this fake models (no hierarchical keys, no legacy unpartitioned containers).
    const [path] = paths;
    if (paths.length !== 1 || typeof path !== 'string' || !/^\/[A-Za-z_][A-Za-z0-9_]*$/.test(path)) throw badRequest('the fake supports one top-level partition key path');
    const collRid = rid();
    const definition: JsonDocument = {
      ...body,
      partitionKey: { paths: [path], kind: 'Hash', version: 2 },
      indexingPolicy: { indexingMode: 'consistent', automatic: true, includedPaths: [{ path: '/*' }], excludedPaths: [{ path: '/"_etag"/?' }] },
      ...systemProperties(`dbs/${database.rid}/colls/${collRid}/`),
      _docs: 'docs/',
      _sprocs: 'sprocs/',
      _triggers: 'triggers/',
      _udfs: 'udfs/',
      _conflicts: 'conflicts/',
    };
    const container: FakeContainer = { id: body.id, rid: collRid, definition, partitionKeyPath: path, partitions: new Map() };
    database.containers.set(body.id, container);
    return container;
  }

  container(databaseId: string, containerId: string): FakeContainer {
    const container = this.database(databaseId).containers.get(containerId);
    if (!container) throw notFound(`container ${containerId}`);
    return container;
  }
}

/** The partition key a document carries, as the JSON the SDK sends in `x-ms-documentdb-partitionkey`. */
export function partitionKeyOf(container: FakeContainer, document: JsonDocument): string {
  const value = document[container.partitionKeyPath.slice(1)];
  return JSON.stringify([value === undefined ? {} : value]);
}

export function partitionOf(container: FakeContainer, partitionKey: string): Partition {
  let partition = container.partitions.get(partitionKey);
  if (!partition) {
    partition = new Map();
    container.partitions.set(partitionKey, partition);
  }
  return partition;
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || id === '' || id.length > 255) throw badRequest('The input content is invalid because the required property, id, is missing or invalid.');
  if (/[/\\?#]/.test(id)) throw badRequest(`The id "${id}" contains a character ids may not hold ( / \\ ? # ).`);
  return id;
}

/** The document as stored: the caller's properties (its own system properties dropped) with fresh ones. */
function stamp(container: FakeContainer, partitionKey: string, body: JsonDocument): JsonDocument {
  const id = checkId(body.id);
  if (partitionKeyOf(container, body) !== partitionKey) throw badRequest("PartitionKey extracted from document doesn't match the one specified in the header");
  const own = Object.fromEntries(Object.entries(body).filter(([key]) => !key.startsWith('_')));
  const docRid = rid();
  return { ...own, id, ...systemProperties(`dbs/${container.definition._rid as string}/colls/${container.rid}/docs/${docRid}/`), _rid: docRid, _attachments: 'attachments/' };
}

function checkEtag(current: JsonDocument, ifMatch: string | undefined): void {
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== current._etag) {
    throw new CosmosRefusal(412, 'PreconditionFailed', 'Operation cannot be performed because one of the specified precondition is not met.');
  }
}

/** The point operations on one partition, shared by the single-document endpoints and transactional batches. */
export class PartitionWriter {
  constructor(
    private readonly container: FakeContainer,
    private readonly partitionKey: string,
    private readonly partition: Partition,
  ) {}

  read(id: string): JsonDocument {
    const document = this.partition.get(id);
    if (!document) throw notFound(`document ${id}`);
    return document;
  }

  create(body: JsonDocument): JsonDocument {
    const document = stamp(this.container, this.partitionKey, body);
    if (this.partition.has(document.id as string)) throw new CosmosRefusal(409, 'Conflict', 'Entity with the specified id already exists in the system.');
    this.partition.set(document.id as string, document);
    return document;
  }

  replace(id: string, body: JsonDocument, ifMatch: string | undefined): JsonDocument {
    checkEtag(this.read(id), ifMatch);
    if (body.id !== id) throw badRequest('The id in the body must match the id of the document replaced.');
    const document = stamp(this.container, this.partitionKey, body);
    this.partition.set(id, document);
    return document;
  }

  /** Replaces when the id exists (honouring If-Match), creates otherwise; `created` tells which. */
  upsert(body: JsonDocument, ifMatch: string | undefined): { document: JsonDocument; created: boolean } {
    const id = checkId(body.id);
    const current = this.partition.get(id);
    if (!current) {
      if (ifMatch !== undefined && ifMatch !== '*') throw new CosmosRefusal(412, 'PreconditionFailed', 'Operation cannot be performed because one of the specified precondition is not met.');
      return { document: this.create(body), created: true };
    }
    return { document: this.replace(id, body, ifMatch), created: false };
  }

  delete(id: string, ifMatch: string | undefined): void {
    checkEtag(this.read(id), ifMatch);
    this.partition.delete(id);
  }
}
