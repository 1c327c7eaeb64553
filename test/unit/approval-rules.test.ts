import { describe, expect, it } from 'vitest';
import { checkApprovalAttempt, refusalMessage } from '../../core/decisions/approval.js';
import { ANTS_SEARCH_ATTRIBUTES } from '../../core/tasks/search-attributes.js';
import { searchAttributesFor } from '../../workflows/task/search-attributes.js';
import { reconcileTask } from '../support/tasks.js';

describe('approval attempts', () => {
  it('accepts another person while the task waits', () => {
    expect(checkApprovalAttempt({ approverId: 'alice' }, { waiting: true, requestedBy: 'bob' })).toBeUndefined();
  });

  it('refuses when nothing is pending, and says so in a way the API maps to 409', () => {
    const refusal = checkApprovalAttempt({ approverId: 'alice' }, { waiting: false, requestedBy: 'bob' });
    expect(refusal?.kind).toBe('not_waiting');
    expect(refusalMessage(refusal!)).toMatch(/^not_waiting: /);
  });

  it('refuses self-approval and anonymous decisions as forbidden', () => {
    expect(checkApprovalAttempt({ approverId: 'bob' }, { waiting: true, requestedBy: 'bob' })?.kind).toBe('forbidden');
    expect(checkApprovalAttempt({ approverId: '  ' }, { waiting: true, requestedBy: 'bob' })?.kind).toBe('forbidden');
  });
});

describe('search attributes', () => {
  it('gives a task every task attribute, each registered with the type it is set with', () => {
    const pairs = searchAttributesFor(reconcileTask('acme'), 'RUNNING');
    expect(pairs.map((p) => p.key.name).sort()).toEqual(['AntsAgentType', 'AntsPriority', 'AntsStatus', 'AntsTaskType', 'AntsTenant']);
    for (const pair of pairs) {
      const registered = ANTS_SEARCH_ATTRIBUTES[pair.key.name as keyof typeof ANTS_SEARCH_ATTRIBUTES];
      expect(registered).toBeDefined();
      expect(pair.key.type).toBe(registered === 'Int' ? 'INT' : 'KEYWORD');
    }
  });
});
