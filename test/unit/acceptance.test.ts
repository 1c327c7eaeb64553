import { describe, expect, it } from 'vitest';
import { verifyOutput } from '../../core/tasks/acceptance.js';
import { readPath } from '../../core/tasks/json.js';

const output = { severity: 'high', score: 0.8, items: [{ id: 'a' }, { id: 'b' }], nested: { empty: [] } };

describe('acceptance rules', () => {
  it('passes when every rule holds', () => {
    const report = verifyOutput(output, [
      { path: 'severity', check: 'present' },
      { path: 'severity', check: 'oneOf', values: ['high', 'critical'] },
      { path: 'score', check: 'min', value: 0.5 },
      { path: 'score', check: 'max', value: 1 },
      { path: 'items', check: 'minItems', value: 2 },
      { path: 'nested.empty', check: 'maxItems', value: 0 },
      { path: 'items.1.id', check: 'equals', value: 'b' },
    ]);
    expect(report).toEqual({ passed: true, checked: 7, failures: [] });
  });

  it('names the path and the reason of each failure', () => {
    const report = verifyOutput(output, [
      { path: 'missing', check: 'present' },
      { path: 'score', check: 'min', value: 0.9 },
      { path: 'items', check: 'maxItems', value: 1 },
      { path: 'severity', check: 'equals', value: 'low' },
      { path: 'severity', check: 'minItems', value: 1 },
    ]);
    expect(report.passed).toBe(false);
    expect(report.failures.map((f) => f.reason)).toEqual([
      'missing: is missing',
      'score: 0.8 is below the minimum 0.9',
      'items: has 2 item(s), at most 1 required',
      'severity: expected "low", got "high"',
      'severity: expected a list, got "high"',
    ]);
  });

  it('reads paths through objects and arrays, and stops at scalars', () => {
    expect(readPath(output, 'items.0.id')).toBe('a');
    expect(readPath(output, 'severity.length')).toBeUndefined();
    expect(readPath(null, 'a')).toBeUndefined();
  });
});
