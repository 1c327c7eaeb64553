import { badRequest, isJsonDocument, type JsonDocument, type JsonValue } from './documents.js';

/*
 * The fake's query language: `SELECT * FROM c [WHERE c.prop <op> value [AND ...]]` with `=`, `!=`/`<>`, `<`, `<=`,
 * `>`, `>=` on top-level properties, compared to a parameter (@name) or a literal. Anything else is refused with a
 * 400, so a query the fake does not understand fails loudly instead of answering wrongly. Comparisons follow the
 * service's rules: values of different types (or a missing property) are undefined, and undefined filters out.
 */

type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

interface Condition {
  property: string;
  operator: Operator;
  value: JsonValue;
}

export interface QuerySpec {
  query: string;
  parameters: Array<{ name: string; value: JsonValue }>;
}

export function readQuerySpec(body: unknown): QuerySpec {
  if (!isJsonDocument(body) || typeof body.query !== 'string') throw badRequest('a query body needs a query');
  const raw = body.parameters ?? [];
  if (!Array.isArray(raw)) throw badRequest('query parameters must be an array');
  const parameters = raw.map((p) => {
    if (!isJsonDocument(p) || typeof p.name !== 'string' || p.value === undefined) throw badRequest('each query parameter needs a name and a value');
    return { name: p.name, value: p.value };
  });
  return { query: body.query, parameters };
}

const TOKEN = /\s*(?:(@[A-Za-z_][A-Za-z0-9_]*)|('(?:[^'\\]|\\.)*')|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(!=|<>|<=|>=|=|<|>|\*|\.))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw badRequest(`unsupported query syntax at: ${text.slice(at, at + 30)}`);
    tokens.push(match[0].trim());
  }
  return tokens;
}

function literal(token: string, parameters: QuerySpec['parameters']): JsonValue {
  if (token.startsWith('@')) {
    const parameter = parameters.find((p) => p.name === token);
    if (!parameter) throw badRequest(`query parameter ${token} has no value`);
    return parameter.value;
  }
  if (token.startsWith("'")) return token.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^-?\d/.test(token)) return Number(token);
  const lower = token.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  if (lower === 'null') return null;
  throw badRequest(`unsupported value in query: ${token}`);
}

/** Parses the supported subset; throws a 400 refusal for anything else. */
export function parseQuery(spec: QuerySpec): Condition[] {
  const tokens = tokenize(spec.query);
  let i = 0;
  const next = () => tokens[i++] ?? '';
  const expectWord = (word: string) => {
    const token = next();
    if (token.toUpperCase() !== word) throw badRequest(`unsupported query: expected ${word}, found "${token}" in: ${spec.query}`);
  };
  expectWord('SELECT');
  if (next() !== '*') throw badRequest(`unsupported query: only SELECT * is supported: ${spec.query}`);
  expectWord('FROM');
  const alias = next();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias)) throw badRequest(`unsupported query source: ${spec.query}`);
  const conditions: Condition[] = [];
  if (i === tokens.length) return conditions;
  expectWord('WHERE');
  for (;;) {
    if (next() !== alias || next() !== '.') throw badRequest(`unsupported condition (only ${alias}.property <op> value): ${spec.query}`);
    const property = next();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(property)) throw badRequest(`unsupported property in: ${spec.query}`);
    const symbol = next();
    const operator = symbol === '<>' ? '!=' : symbol;
    if (!['=', '!=', '<', '<=', '>', '>='].includes(operator)) throw badRequest(`unsupported operator "${symbol}" in: ${spec.query}`);
    conditions.push({ property, operator: operator as Operator, value: literal(next(), spec.parameters) });
    if (i === tokens.length) return conditions;
    expectWord('AND');
  }
}

function typeOf(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function holds(document: JsonDocument, condition: Condition): boolean {
  const actual = document[condition.property];
  const type = typeOf(actual);
  if (type === 'undefined' || type !== typeOf(condition.value)) return false;
  if (condition.operator === '=' || condition.operator === '!=') {
    const equal = JSON.stringify(actual) === JSON.stringify(condition.value);
    return condition.operator === '=' ? equal : !equal;
  }
  if (type !== 'number' && type !== 'string') return false;
  const [a, b] = [actual as number | string, condition.value as number | string];
  if (condition.operator === '<') return a < b;
  if (condition.operator === '<=') return a <= b;
  if (condition.operator === '>') return a > b;
  return a >= b;
}

export function matches(document: JsonDocument, conditions: readonly Condition[]): boolean {
  return conditions.every((condition) => holds(document, condition));
}
