import type pg from 'pg';
import { seededRandom } from '../../core/random.js';

/**
 * Synthetic memory for recall tests and the benchmark: unit vectors drawn around a few hundred cluster centres
 * (real sentence embeddings cluster by topic; uniform random vectors would make every index look bad and every
 * neighbour meaningless). Seeded, so every run compares the same data.
 */

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function unit(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
  return vector.map((x) => x / norm);
}

export interface VectorSpace {
  next(): number[];
}

/** `spread` is the length of the noise added to a centre: 0.5 gives neighbours at cosine similarity ≈ 0.8. */
export function clusteredVectors(dims: number, clusters: number, seed: number, spread = 0.5): VectorSpace {
  const random = seededRandom(seed);
  const centres = Array.from({ length: clusters }, () => unit(Array.from({ length: dims }, () => gaussian(random))));
  return {
    next() {
      const centre = centres[Math.floor(random() * clusters)]!;
      const scale = spread / Math.sqrt(dims);
      return unit(centre.map((c) => c + scale * gaussian(random)));
    },
  };
}

export const SYNTHETIC_MODEL = 'synthetic-clusters';

/**
 * Inserts `count` semantic memories for `tenant` in multi-row statements, as the connection's own role (the
 * benchmark and the tests load data as the owner; searches then run through the memory role).
 */
export async function insertSynthetic(
  client: pg.ClientBase,
  tenant: string,
  vectors: number[][],
  options: { dims: number; keyPrefix: string; model?: string },
): Promise<void> {
  const batch = 500;
  for (let start = 0; start < vectors.length; start += batch) {
    const slice = vectors.slice(start, start + batch);
    await client.query(
      `insert into semantic_memories (tenant_id, agent_id, agent_type, source_key, content, embedding_model, dims, embedding)
       select $1, 'bench-agent', 'bench.agent', key, 'synthetic memory ' || key, $2, $3, v::vector
         from unnest($4::text[], $5::text[]) as t(key, v)`,
      [tenant, options.model ?? SYNTHETIC_MODEL, options.dims, slice.map((_, i) => `${options.keyPrefix}-${start + i}`), slice.map((v) => `[${v.join(',')}]`)],
    );
  }
}
