import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { authorizationProblem } from './auth.js';
import { runTransactionalBatch } from './batch.js';
import { badRequest, CosmosRefusal, FakeAccount, isJsonDocument, partitionKeyOf, partitionOf, PartitionWriter, type FakeContainer, type JsonDocument, type JsonValue } from './documents.js';
import { matches, parseQuery, readQuerySpec } from './query.js';

/*
 * A Cosmos DB (NoSQL API) gateway in-process, speaking the REST wire format the real `CosmosClient` uses: the database
 * account at `/`, databases, containers and their partition key ranges, point reads and writes of documents (with
 * If-Match), upserts, transactional batches and a small query subset (./query.ts). It checks master-key signatures,
 * keeps one partition key range, and refuses a query that would cross partitions unless the request says it may —
 * counting those, so a test can show an adapter never sends one.
 */

export interface FakeRequest {
  method: string;
  /** Path segments, decoded: `['dbs', 'db', 'colls', 'swarm', 'docs', 'id']`. */
  segments: string[];
  headers: IncomingHttpHeaders;
  body: JsonValue | undefined;
  /** The `x-ms-documentdb-partitionkey` header, normalised JSON (`["tenant"]`), if sent. */
  partitionKey: string | null;
  operation: 'account' | 'database' | 'container' | 'pkranges' | 'read' | 'create' | 'upsert' | 'replace' | 'delete' | 'query' | 'query-plan' | 'batch' | 'other';
}

export interface RecordedRequest extends Omit<FakeRequest, 'headers' | 'body'> {
  status: number;
  crossPartition: boolean;
}

export interface FakeCosmos {
  endpoint: string;
  key: string;
  account: FakeAccount;
  requests: RecordedRequest[];
  /**
   * Calls `hook` with each request after its body is read and before it is applied; what the hook writes to the
   * account lands between the caller's read and its write (a concurrent writer). Returns the function that removes it.
   */
  beforeApply(hook: (request: FakeRequest) => void): () => void;
  /** Rewrites a stored document as another client would (it gets a new etag). */
  rewrite(databaseId: string, containerId: string, partitionKeyValue: string, id: string, change: (document: JsonDocument) => JsonDocument): void;
  close(): Promise<void>;
}

/** Any base64 string works as a master key; this one is the well-known emulator key. */
export const FAKE_COSMOS_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

async function readBody(req: IncomingMessage): Promise<JsonValue | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw badRequest('the request body is not JSON');
  }
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};
const isTrue = (value: string | undefined) => value?.toLowerCase() === 'true';

function operationOf(method: string, segments: readonly string[], headers: IncomingHttpHeaders): FakeRequest['operation'] {
  const [, , colls, , docs, id] = segments;
  if (segments.length === 0) return 'account';
  if (segments.length <= 2) return 'database';
  if (colls === 'colls' && segments.length <= 4) return 'container';
  if (docs === 'pkranges' && segments.length === 5) return 'pkranges';
  if (docs !== 'docs') return 'other';
  if (id !== undefined) return method === 'GET' ? 'read' : method === 'PUT' ? 'replace' : method === 'DELETE' ? 'delete' : 'other';
  if (method !== 'POST') return 'other';
  if (isTrue(header(headers, 'x-ms-cosmos-is-query-plan-request'))) return 'query-plan';
  if (isTrue(header(headers, 'x-ms-documentdb-isquery'))) return 'query';
  if (isTrue(header(headers, 'x-ms-cosmos-is-batch-request'))) return 'batch';
  return isTrue(header(headers, 'x-ms-documentdb-is-upsert')) ? 'upsert' : 'create';
}

function normalisedPartitionKey(headers: IncomingHttpHeaders): string | null {
  const raw = header(headers, 'x-ms-documentdb-partitionkey');
  if (raw === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed) || parsed.length !== 1) throw new Error('not a one-value array');
    return JSON.stringify(parsed);
  } catch {
    throw badRequest(`malformed partition key header: ${raw}`);
  }
}

interface Answer {
  status: number;
  body?: JsonValue;
  headers?: Record<string, string>;
}

const QUERY_PLAN: JsonDocument = {
  partitionedQueryExecutionInfoVersion: 2,
  queryInfo: {
    distinctType: 'None',
    top: null,
    offset: null,
    limit: null,
    orderBy: [],
    orderByExpressions: [],
    groupByExpressions: [],
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: '',
    hasSelectValue: false,
    hasNonStreamingOrderBy: false,
  },
  queryRanges: [{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }],
};

export async function startFakeCosmos(key = FAKE_COSMOS_KEY): Promise<FakeCosmos> {
  const account = new FakeAccount();
  const requests: RecordedRequest[] = [];
  const hooks = new Set<(request: FakeRequest) => void>();
  let endpoint = '';

  const documentAnswer = (status: number, document: JsonDocument): Answer => ({ status, body: document, headers: { etag: String(document._etag) } });

  function needPartitionKey(request: FakeRequest): string {
    if (request.partitionKey === null) throw badRequest('PartitionKey value must be supplied for this operation.');
    return request.partitionKey;
  }

  function query(container: FakeContainer, request: FakeRequest, crossPartition: { value: boolean }): Answer {
    const conditions = parseQuery(readQuerySpec(request.body));
    let documents: JsonDocument[];
    if (request.partitionKey !== null) {
      documents = [...(container.partitions.get(request.partitionKey)?.values() ?? [])];
    } else if (isTrue(header(request.headers, 'x-ms-documentdb-query-enablecrosspartition'))) {
      crossPartition.value = true;
      documents = [...container.partitions.values()].flatMap((partition) => [...partition.values()]);
    } else {
      throw badRequest('Cross partition query is required but disabled. Please set x-ms-documentdb-query-enablecrosspartition to true, specify x-ms-documentdb-partitionkey, or revise your query to avoid this exception.');
    }
    const found = documents.filter((document) => matches(document, conditions));
    const pageSize = Number(header(request.headers, 'x-ms-max-item-count') ?? '-1');
    const start = Number(header(request.headers, 'x-ms-continuation') ?? '0') || 0;
    const end = pageSize > 0 ? start + pageSize : found.length;
    const page = found.slice(start, end);
    const headers: Record<string, string> = { 'x-ms-item-count': String(page.length) };
    if (end < found.length) headers['x-ms-continuation'] = String(end);
    return { status: 200, body: { _rid: container.rid, Documents: page, _count: page.length }, headers };
  }

  function apply(request: FakeRequest, crossPartition: { value: boolean }): Answer {
    const [, databaseId = '', , containerId = '', , documentId] = request.segments;
    switch (request.operation) {
      case 'account': {
        const location = [{ name: 'Fake Region', databaseAccountEndpoint: `${endpoint}/` }];
        return {
          status: 200,
          body: {
            id: 'fake-cosmos',
            _rid: 'fake-cosmos.documents.azure.com',
            _self: '',
            media: '//media/',
            addresses: '//addresses/',
            _dbs: '//dbs/',
            writableLocations: location,
            readableLocations: location,
            enableMultipleWriteLocations: false,
            userReplicationPolicy: { asyncReplication: false, minReplicaSetSize: 1, maxReplicasetSize: 4 },
            userConsistencyPolicy: { defaultConsistencyLevel: 'Session' },
            systemReplicationPolicy: { minReplicaSetSize: 1, maxReplicasetSize: 4 },
            readPolicy: { primaryReadCoefficient: 1, secondaryReadCoefficient: 1 },
            queryEngineConfiguration: JSON.stringify({ maxSqlQueryInputLength: 262144, maxJoinsPerSqlQuery: 5, queryFeatureFlags: [] }),
          },
        };
      }
      case 'database':
        if (request.method === 'POST' && request.segments.length === 1) return { status: 201, body: account.createDatabase(request.body).definition };
        if (request.method === 'GET' && request.segments.length === 2) return { status: 200, body: account.database(databaseId).definition };
        break;
      case 'container':
        if (request.method === 'POST' && request.segments.length === 3) return { status: 201, body: account.createContainer(databaseId, request.body).definition };
        if (request.method === 'GET' && request.segments.length === 4) return { status: 200, body: account.container(databaseId, containerId).definition };
        break;
      case 'pkranges': {
        const container = account.container(databaseId, containerId);
        // One range holds every partition key: the change feed of ranges never changes after the first answer.
        if (header(request.headers, 'if-none-match')) return { status: 304, headers: { etag: '"1"' } };
        const range = { id: '0', _rid: `${container.rid}AA==`, _self: '', _etag: '"1"', _ts: 0, minInclusive: '', maxExclusive: 'FF', ridPrefix: 0, throughputFraction: 1, status: 'online', parents: [] };
        return { status: 200, body: { _rid: container.rid, PartitionKeyRanges: [range], _count: 1 }, headers: { etag: '"1"' } };
      }
      default:
        break;
    }
    if (request.operation === 'other') throw badRequest(`the fake does not serve ${request.method} /${request.segments.join('/')}`);
    const container = account.container(databaseId, containerId);
    if (request.operation === 'query-plan') {
      parseQuery(readQuerySpec(request.body));
      return { status: 200, body: QUERY_PLAN };
    }
    if (request.operation === 'query') return query(container, request, crossPartition);
    const partitionKey = needPartitionKey(request);
    const partition = partitionOf(container, partitionKey);
    if (request.operation === 'batch') {
      if (!isTrue(header(request.headers, 'x-ms-cosmos-batch-atomic'))) throw badRequest('the fake runs atomic batches only');
      const { status, results } = runTransactionalBatch(container, partitionKey, partition, request.body);
      return { status, body: results.map((r): JsonDocument => ({ ...r })) };
    }
    const writer = new PartitionWriter(container, partitionKey, partition);
    const ifMatch = header(request.headers, 'if-match');
    const body = (): JsonDocument => {
      if (!isJsonDocument(request.body)) throw badRequest('the request body must be a JSON object');
      return request.body;
    };
    switch (request.operation) {
      case 'read':
        return documentAnswer(200, writer.read(documentId ?? ''));
      case 'create':
        return documentAnswer(201, writer.create(body()));
      case 'upsert': {
        const { document, created } = writer.upsert(body(), ifMatch);
        return documentAnswer(created ? 201 : 200, document);
      }
      case 'replace':
        return documentAnswer(200, writer.replace(documentId ?? '', body(), ifMatch));
      case 'delete':
        writer.delete(documentId ?? '', ifMatch);
        return { status: 204 };
      default:
        throw badRequest(`the fake does not serve ${request.method} /${request.segments.join('/')}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const segments = new URL(req.url ?? '/', 'http://fake').pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
    let answer: Answer;
    let recorded: Omit<FakeRequest, 'headers' | 'body'> = { method, segments, partitionKey: null, operation: 'other' };
    const crossPartition = { value: false };
    try {
      const problem = authorizationProblem(key, method, segments, header(req.headers, 'authorization'), header(req.headers, 'x-ms-date'));
      if (problem) throw new CosmosRefusal(401, 'Unauthorized', problem);
      const request: FakeRequest = { method, segments, headers: req.headers, body: await readBody(req), partitionKey: normalisedPartitionKey(req.headers), operation: operationOf(method, segments, req.headers) };
      recorded = { method, segments, partitionKey: request.partitionKey, operation: request.operation };
      for (const hook of hooks) hook(request);
      answer = apply(request, crossPartition);
    } catch (error) {
      const refusal = error instanceof CosmosRefusal ? error : new CosmosRefusal(500, 'InternalServerError', error instanceof Error ? error.message : String(error));
      answer = { status: refusal.status, body: { code: refusal.code, message: refusal.message } };
    }
    requests.push({ ...recorded, status: answer.status, crossPartition: crossPartition.value });
    const headers: Record<string, string> = { 'x-ms-activity-id': randomUUID(), 'x-ms-request-charge': '1', ...(answer.headers ?? {}) };
    if (answer.body === undefined) {
      res.writeHead(answer.status, headers).end();
      return;
    }
    res.writeHead(answer.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    endpoint,
    key,
    account,
    requests,
    beforeApply(hook) {
      hooks.add(hook);
      return () => void hooks.delete(hook);
    },
    rewrite(databaseId, containerId, partitionKeyValue, id, change) {
      const container = account.container(databaseId, containerId);
      const partitionKey = JSON.stringify([partitionKeyValue]);
      const writer = new PartitionWriter(container, partitionKey, partitionOf(container, partitionKey));
      const next = change(writer.read(id));
      if (partitionKeyOf(container, next) !== partitionKey) throw new Error('a rewrite may not move a document to another partition');
      writer.replace(id, next, undefined);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
