/**
 * Splits a long text into pieces a model can embed, each at most `maxTokens` tokens, consecutive pieces sharing
 * about `overlapTokens` tokens so that a sentence cut at a border is still whole in one of them. Words are the unit
 * (sub-word tokenizers never merge across whitespace, so a word's token count adds up); a single word longer than
 * the limit is cut by characters.
 */
export interface ChunkOptions {
  maxTokens: number;
  overlapTokens: number;
  /** Tokens of one word, without the model's special tokens. */
  countTokens: (word: string) => number;
}

interface Word {
  text: string;
  tokens: number;
}

function splitOversizedWord(word: string, tokens: number, maxTokens: number, countTokens: (w: string) => number): Word[] {
  const pieces = Math.ceil(tokens / maxTokens) + 1;
  const size = Math.max(1, Math.floor(word.length / pieces));
  const out: Word[] = [];
  for (let i = 0; i < word.length; i += size) {
    const text = word.slice(i, i + size);
    out.push({ text, tokens: countTokens(text) });
  }
  return out;
}

export function chunkText(text: string, options: ChunkOptions): string[] {
  const { maxTokens, overlapTokens, countTokens } = options;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new Error('chunk maxTokens must be a positive integer');
  if (overlapTokens < 0 || overlapTokens >= maxTokens) throw new Error('chunk overlap must be at least 0 and below maxTokens');
  const words: Word[] = [];
  for (const raw of text.split(/\s+/)) {
    if (!raw) continue;
    const tokens = countTokens(raw);
    if (tokens > maxTokens) words.push(...splitOversizedWord(raw, tokens, maxTokens, countTokens));
    else words.push({ text: raw, tokens });
  }
  const chunks: string[] = [];
  let start = 0;
  while (start < words.length) {
    let end = start;
    let used = 0;
    while (end < words.length && used + words[end]!.tokens <= maxTokens) {
      used += words[end]!.tokens;
      end += 1;
    }
    if (end === start) end = start + 1; // a piece still over the limit after splitting: take it alone, never loop
    chunks.push(words.slice(start, end).map((w) => w.text).join(' '));
    if (end >= words.length) break;
    // Step back over the overlap, but always move forward by at least one word.
    let back = end;
    let overlap = 0;
    while (back > start + 1 && overlap + words[back - 1]!.tokens <= overlapTokens) {
      overlap += words[back - 1]!.tokens;
      back -= 1;
    }
    start = back;
  }
  return chunks;
}

/** The mean of unit vectors, renormalised: one vector standing for a document made of several chunks. */
export function meanUnitVector(vectors: number[][]): number[] {
  if (vectors.length === 0) throw new Error('no vectors to average');
  const dims = vectors[0]!.length;
  const sum = new Array<number>(dims).fill(0);
  for (const v of vectors) {
    if (v.length !== dims) throw new Error(`vectors of different dimensions: ${dims} and ${v.length}`);
    for (let i = 0; i < dims; i += 1) sum[i]! += v[i]!;
  }
  return normalize(sum);
}

export function normalize(vector: number[]): number[] {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0) return vector.slice();
  return vector.map((x) => x / norm);
}

export function cosineSimilarity(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`vectors of different dimensions: ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
