/** 32-bit FNV-1a from a given basis: a fast, well-spread hash of a short string (not a cryptographic one). */
export function fnv1a(text: string, basis = 0x811c9dc5): number {
  let hash = basis;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** 64 bits as 16 hex digits (two FNV-1a runs from different bases): short stable ids derived from a business key. */
export function shortHash(text: string): string {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return hex(fnv1a(text)) + hex(fnv1a(text, 0x050c5d1f));
}
