import { createServer, type Server } from 'node:http';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscoveryActivities, type DiscoveryRequest, type DiscoveryResult } from '../../activities/capabilities/activities.js';
import type { ResolvedAddress } from '../../activities/tools/sandbox/http-policy.js';

/*
 * Discovery fetches URLs a tenant supplies from the integrations pool, inside the service's network: it follows the
 * sandbox's address rules on every hop and connects to the address it judged, so DNS cannot send it elsewhere.
 */
let server: Server;
let port = 0;
let hits = 0;

beforeAll(async () => {
  server = createServer((_request, response) => {
    hits += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ secret: 'internal data' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function discover(resolveHost: (name: string) => Promise<ResolvedAddress[]>, privateOrigins: string[] = []) {
  const env = new MockActivityEnvironment();
  const { discoverApi } = createDiscoveryActivities({ privateOrigins, resolveHost });
  return (request: DiscoveryRequest): Promise<DiscoveryResult> => env.run(discoverApi, request);
}

describe('discovery keeps to the address rules', () => {
  it('never reaches an internal address through a name that resolves publicly for the check and internally after (DNS rebinding)', async () => {
    let lookups = 0;
    const rebinding = async (): Promise<ResolvedAddress[]> => [{ address: (lookups += 1) === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    const run = discover(rebinding);
    await expect(run({ tenant: 't', source: { baseUrl: `http://rebind.example.test:${port}` }, operations: [], prioritize: 5 })).rejects.toThrow(/private, loopback|may not be fetched/);
    expect(hits).toBe(0);
  });

  it('refuses loopback and metadata addresses unless the operator listed the origin, and retries a name that does not resolve', async () => {
    const loopback = async (): Promise<ResolvedAddress[]> => [{ address: '127.0.0.1', family: 4 }];
    await expect(discover(loopback)({ tenant: 't', source: { specUrl: `http://127.0.0.1:${port}/openapi.json` }, operations: [], prioritize: 5 })).rejects.toMatchObject({ nonRetryable: true });
    await expect(discover(loopback)({ tenant: 't', source: { specUrl: 'http://169.254.169.254/latest/openapi.json' }, operations: [], prioritize: 5 })).rejects.toThrow(/link-local|private, loopback/);
    expect(hits).toBe(0);
    // Listed: the document is fetched (and refused as not an API description, which is final).
    await expect(discover(loopback, [`http://127.0.0.1:${port}`])({ tenant: 't', source: { specUrl: `http://127.0.0.1:${port}/openapi.json` }, operations: [], prioritize: 5 })).rejects.toMatchObject({
      nonRetryable: true,
      message: expect.stringMatching(/neither OpenAPI|invalid API description/),
    });
    expect(hits).toBe(1);
    const unresolvable = async (): Promise<ResolvedAddress[]> => {
      throw Object.assign(new Error('temporary failure'), { code: 'EAI_AGAIN' });
    };
    const transient = await discover(unresolvable)({ tenant: 't', source: { specUrl: 'http://api.example.test/openapi.json' }, operations: [], prioritize: 5 }).catch((error: unknown) => error);
    expect(transient).toBeInstanceOf(Error);
    expect((transient as { nonRetryable?: boolean }).nonRetryable).not.toBe(true);
  });
});
