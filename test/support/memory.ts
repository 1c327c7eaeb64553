import { inject } from 'vitest';
import { createMemoryActivities, type MemoryActivities } from '../../activities/memory/activities.js';
import { createLocalOnnxProvider } from '../../activities/memory/embeddings/local-onnx.js';
import { localModelDir } from '../../activities/memory/embeddings/select.js';
import { createEmbeddingService, type EmbeddingService } from '../../activities/memory/embeddings/service.js';
import type { Db } from '../../infra/db/pool.js';
import { testDb } from './stack.js';

export interface LocalMemory {
  db: Db;
  embeddings: EmbeddingService;
  memory: MemoryActivities;
  close(): Promise<void>;
}

/** The memory activities on the test database with the real local model (all-MiniLM-L6-v2) the bootstrap installed. */
export async function openLocalMemory(): Promise<LocalMemory> {
  const db = testDb();
  const embeddings = createEmbeddingService({ provider: await createLocalOnnxProvider(localModelDir(inject('antsHome'))) });
  return {
    db,
    embeddings,
    memory: createMemoryActivities({ db, embeddings }),
    async close() {
      await embeddings.close();
      await db.end();
    },
  };
}
