import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createToolsActivities } from '../../activities/tools/activities.js';
import { capabilityId, groupNeeds } from '../../core/tools/capability.js';
import { createToolLoader, withoutRegexKeywords } from '../../activities/tools/loader.js';

const loader = createToolLoader({ builtin: async () => undefined });
const tool = (inputSchema: Record<string, unknown>) =>
  loader.prepare({ name: 'acme.tool', code: 'export function main(input) { return input; }', entry: 'main', level: 'RESTRICTED', allowedHosts: [], authSecret: null, sideEffects: false, inputSchema: inputSchema as never, ref: 'acme.tool@1', version: '1' });

describe("a tool's input schema on the host", () => {
  it("never runs the tenant's regular expressions (a catastrophic pattern is not evaluated), but checks everything else", () => {
    const prepared = tool({ type: 'object', required: ['a'], properties: { a: { type: 'string', pattern: '^(a+)+$' }, pattern: { type: 'integer' } } });
    // The input that makes that pattern backtrack for minutes is accepted at once: the tool checks it in its sandbox.
    expect(prepared.checkInput({ a: `${'a'.repeat(64)}!` })).toEqual([]);
    // A property *named* pattern is still a property, and types and required fields are still checked.
    expect(prepared.checkInput({ a: 'x', pattern: 'seven' })).toEqual([expect.stringMatching(/^input\/pattern must be integer/)]);
    expect(prepared.checkInput({})).toEqual([expect.stringMatching(/must have required property 'a'/)]);
  });

  it('drops patternProperties with the additionalProperties: false that relied on them', () => {
    expect(withoutRegexKeywords({ type: 'object', patternProperties: { '^x-': { type: 'string' } }, additionalProperties: false, properties: { id: { type: 'string', pattern: '.' } } })).toEqual({
      type: 'object',
      properties: { id: { type: 'string' } },
    });
    expect(tool({ type: 'object', patternProperties: { '^(a|a)*$': {} }, additionalProperties: false }).checkInput({ 'x-any': 1 })).toEqual([]);
  });

  it('a stored tool whose code no longer passes validation is reported, not thrown', async () => {
    const registry = {
      resolve: async () => ({ id: 'acme.old@1', name: 'acme.old', version: 1, status: 'active', code: 'function main() { return eval("1"); }', entry: 'main', level: 'RESTRICTED', allowedHosts: [], authSecret: null, inputSchema: {}, definitionSha256: 'h' }),
    } as never;
    const lookup = await createToolLoader({ builtin: async () => undefined, registry }).load('t', 'acme.old');
    expect(lookup).toMatchObject({ found: false, reason: expect.stringMatching(/does not pass validation: no-eval/) });
  });

  it("a task's Execute step refuses a tool that changes the outside world, without running it", async () => {
    const writes = loader.prepare({ name: 'acme.createCharge', code: 'export function main() { return 1; }', entry: 'main', level: 'RESTRICTED', allowedHosts: [], authSecret: null, sideEffects: true, inputSchema: {}, ref: 'acme.createCharge@1', version: '1' });
    const sandbox = { run: async () => { throw new Error('the sandbox must not be asked'); } };
    const tools = { prepare: loader.prepare, load: async () => ({ found: true as const, tool: writes, replaced: [] }) };
    const { executePlan } = createToolsActivities({ sandbox, tools });
    const results = await new MockActivityEnvironment().run(executePlan, {
      task: { tenant: 't', taskId: 'task-1', agentType: 'finance.reconciliation', taskType: 'reconcile_charges' },
      attempt: 1,
      steps: [{ tool: 'acme.createCharge', input: {} }],
    });
    expect(results).toEqual([{ tool: 'acme.createCharge@1', ok: false, output: null, error: expect.stringMatching(/changes the outside world/), durationMs: 0 }]);
  });
});

describe('capability needs', () => {
  it('are grouped per build: one API with one credential, aliases kept', () => {
    const specUrl = 'https://pay.example.com/openapi.json';
    const groups = groupNeeds([
      { alias: 'charges', source: { specUrl }, operation: 'listCharges', secret: 'pay-eu' },
      { alias: 'customers', source: { specUrl }, operation: 'listCustomers', secret: 'pay-eu' },
      { alias: 'usCharges', source: { specUrl }, operation: 'listCharges', secret: 'pay-us' },
    ]);
    expect(groups).toEqual([
      { source: { specUrl }, operations: ['listCharges', 'listCustomers'], secret: 'pay-eu', aliases: { charges: 'listCharges', customers: 'listCustomers' } },
      { source: { specUrl }, operations: ['listCharges'], secret: 'pay-us', aliases: { usCharges: 'listCharges' } },
    ]);
    expect(capabilityId({ specUrl }, 'pay-eu')).not.toBe(capabilityId({ specUrl }, 'pay-us'));
  });
});
