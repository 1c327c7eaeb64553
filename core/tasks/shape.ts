import type { JsonValue } from './json.js';

/**
 * A coarse fingerprint of a task input: its key paths two levels deep (array items merged). Two inputs with the
 * same shape describe the same kind of situation; semantic similarity (vector memory) refines this later.
 */
export function inputShape(value: JsonValue, depth = 2): string {
  const paths = new Set<string>();
  const walk = (node: JsonValue, prefix: string, level: number) => {
    if (level > depth || node === null || typeof node !== 'object') return;
    const children: Array<[string, JsonValue]> = Array.isArray(node)
      ? node.map((item) => ['[]', item] as [string, JsonValue])
      : Object.entries(node);
    for (const [key, child] of children) {
      const path = prefix ? `${prefix}.${key}` : key;
      paths.add(path);
      walk(child, path, key === '[]' ? level : level + 1);
    }
  };
  walk(value, '', 1);
  return [...paths].sort().join(',');
}
