// Plain-JS entry for the sandbox worker thread. Node cannot start a worker from a
// .ts file by itself, and the host may be running under tsx (its loader is
// inherited through execArgv) or under vitest (its transform is NOT available to
// worker threads). tsImport compiles worker-thread.ts and its imports with tsx in
// both cases, without registering a loader for anything else in this thread.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker-thread.ts', import.meta.url);
