/** Agent-type patterns: `*` matches any run of characters (dots included), `?` one character. */
const compiled = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  let cached = compiled.get(pattern);
  if (!cached) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    cached = new RegExp(`^${source}$`);
    compiled.set(pattern, cached);
  }
  return cached;
}

export function matchesGlob(pattern: string, value: string): boolean {
  return globToRegExp(pattern).test(value);
}

/** More literal characters = more specific; `finance.reconciliation` beats `finance.*`, which beats `*`. */
export function specificity(pattern: string): number {
  return pattern.replace(/[*?]/g, '').length;
}
