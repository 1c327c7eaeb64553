import type { RepositoryEntry } from './schema.js';

/*
 * Relevance ranking for `GET /v1/agents/repository/search?q=`: a field-weighted BM25 over the entries' words. The
 * repository is small and changes with releases, so the index is built in memory once; no embedding model is
 * needed to rank a few hundred short entries well. Words are lower-cased, split on anything not a letter or digit
 * (so `demand_forecasting` is two words) and lightly stemmed, with British -ise spellings folded into -ize.
 */

/** How much a word counts by where it appears: names and capabilities say what an agent is, prose only hints. */
const FIELD_WEIGHTS = { agentType: 3, name: 3, capabilities: 3, tags: 2, owner: 2, description: 1, playbook: 0.5 } as const;
type Field = keyof typeof FIELD_WEIGHTS;

const K1 = 1.2;
const B = 0.75;

export function stem(word: string): string {
  let w = word.toLowerCase();
  w = w.replace(/is(e|es|ed|ing|ation|ations)$/, 'iz$1').replace(/isation/, 'ization');
  for (const [suffix, replacement] of [['ations', ''], ['ation', ''], ['ings', ''], ['ing', ''], ['ies', 'y'], ['es', ''], ['s', ''], ['ed', ''], ['e', '']] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) return w.slice(0, w.length - suffix.length) + replacement;
  }
  return w;
}

export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 1)
    .map(stem);
}

interface IndexedEntry {
  entry: RepositoryEntry;
  fields: Record<Field, string[]>;
  length: number;
}

function fieldsOf(entry: RepositoryEntry): Record<Field, string[]> {
  return {
    agentType: tokenize(entry.agentType),
    name: tokenize(entry.name),
    capabilities: tokenize(entry.capabilities.join(' ')),
    tags: tokenize(entry.tags.join(' ')),
    owner: tokenize(`${entry.department ?? ''} ${entry.industry ?? ''} ${entry.category}`),
    description: tokenize(entry.description),
    playbook: tokenize(`${entry.playbook.summary} ${entry.playbook.steps.map((s) => s.description).join(' ')}`),
  };
}

export interface SearchHit {
  entry: RepositoryEntry;
  score: number;
  /** The query words (stemmed) the entry matched. */
  matched: string[];
}

export interface RepositoryIndex {
  search(query: string, limit?: number): SearchHit[];
}

export function buildSearchIndex(entries: readonly RepositoryEntry[]): RepositoryIndex {
  const indexed: IndexedEntry[] = entries.map((entry) => {
    const fields = fieldsOf(entry);
    const length = (Object.keys(fields) as Field[]).reduce((sum, field) => sum + fields[field].length * FIELD_WEIGHTS[field], 0);
    return { entry, fields, length };
  });
  const averageLength = indexed.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, indexed.length);
  const documentFrequency = new Map<string, number>();
  for (const doc of indexed) {
    const words = new Set(Object.values(doc.fields).flat());
    for (const word of words) documentFrequency.set(word, (documentFrequency.get(word) ?? 0) + 1);
  }
  const idf = (word: string) => {
    const df = documentFrequency.get(word) ?? 0;
    return Math.log(1 + (indexed.length - df + 0.5) / (df + 0.5));
  };

  return {
    search(query, limit = 20) {
      const words = [...new Set(tokenize(query))];
      if (words.length === 0) return [];
      const hits: SearchHit[] = [];
      for (const doc of indexed) {
        let score = 0;
        const matched: string[] = [];
        for (const word of words) {
          let frequency = 0;
          for (const field of Object.keys(doc.fields) as Field[]) {
            frequency += doc.fields[field].filter((w) => w === word).length * FIELD_WEIGHTS[field];
          }
          if (frequency === 0) continue;
          matched.push(word);
          score += (idf(word) * frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * doc.length) / averageLength));
        }
        // An entry that matches every word of the query beats one that matches a single word many times.
        if (score > 0) hits.push({ entry: doc.entry, score: Math.round(score * (matched.length / words.length) * 1000) / 1000, matched });
      }
      hits.sort((a, b) => b.score - a.score || a.entry.agentType.localeCompare(b.entry.agentType));
      return hits.slice(0, limit);
    },
  };
}
