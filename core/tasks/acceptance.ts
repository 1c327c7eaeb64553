import { readPath, type JsonValue } from './json.js';

/**
 * Acceptance rules say what a task's tool outputs must satisfy to count as done. They are data (declared by the
 * agent type's task spec, and optionally added by the submitter) so Verify is a pure, replayable check.
 */
export type AcceptanceRule =
  | { path: string; check: 'present' }
  | { path: string; check: 'equals'; value: JsonValue }
  | { path: string; check: 'oneOf'; values: JsonValue[] }
  | { path: string; check: 'min' | 'max'; value: number }
  | { path: string; check: 'minItems' | 'maxItems'; value: number };

export interface AcceptanceFailure {
  rule: AcceptanceRule;
  reason: string;
}

export interface VerificationReport {
  passed: boolean;
  checked: number;
  failures: AcceptanceFailure[];
}

function describe(value: JsonValue | undefined): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function sameJson(a: JsonValue | undefined, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function checkRule(output: JsonValue, rule: AcceptanceRule): AcceptanceFailure | undefined {
  const actual = readPath(output, rule.path);
  const fail = (reason: string): AcceptanceFailure => ({ rule, reason: `${rule.path}: ${reason}` });
  switch (rule.check) {
    case 'present':
      return actual === undefined || actual === null ? fail('is missing') : undefined;
    case 'equals':
      return sameJson(actual, rule.value) ? undefined : fail(`expected ${JSON.stringify(rule.value)}, got ${describe(actual)}`);
    case 'oneOf':
      return rule.values.some((v) => sameJson(actual, v))
        ? undefined
        : fail(`expected one of ${JSON.stringify(rule.values)}, got ${describe(actual)}`);
    case 'min':
    case 'max': {
      if (typeof actual !== 'number') return fail(`expected a number, got ${describe(actual)}`);
      const ok = rule.check === 'min' ? actual >= rule.value : actual <= rule.value;
      return ok ? undefined : fail(`${actual} is ${rule.check === 'min' ? 'below the minimum' : 'above the maximum'} ${rule.value}`);
    }
    case 'minItems':
    case 'maxItems': {
      if (!Array.isArray(actual)) return fail(`expected a list, got ${describe(actual)}`);
      const ok = rule.check === 'minItems' ? actual.length >= rule.value : actual.length <= rule.value;
      return ok
        ? undefined
        : fail(`has ${actual.length} item(s), ${rule.check === 'minItems' ? 'at least' : 'at most'} ${rule.value} required`);
    }
  }
}

export function verifyOutput(output: JsonValue, rules: readonly AcceptanceRule[]): VerificationReport {
  const failures = rules.map((rule) => checkRule(output, rule)).filter((f): f is AcceptanceFailure => f !== undefined);
  return { passed: failures.length === 0, checked: rules.length, failures };
}
