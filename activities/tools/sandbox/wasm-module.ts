/**
 * Loading QuickJS's WASM module inside the worker thread, with a hard cap on its heap.
 *
 * Why a cap on the WebAssembly.Memory and not just `runtime.setMemoryLimit()`:
 * in quickjs-emscripten 0.32 (QuickJS 2025-09-13) the allocator cannot ask emscripten
 * for `malloc_usable_size`, so QuickJS's accounting adds only a fixed overhead per
 * allocation instead of its size. `setMemoryLimit` therefore stops single
 * allocations larger than the limit and floods of small objects, but a loop of
 * "large but below the limit" allocations (1 MB strings, typed arrays) sails past
 * it (measured: 1.5 GB allocated under an 8 MB limit). Giving the module its own
 * WebAssembly.Memory with `maximum` = initial heap + memoryBytes makes the heap
 * physically unable to grow further; malloc then fails and QuickJS throws "out of
 * memory" (or, see HeapCeiling, fails to), which we report as MEMORY_LIMIT.
 *
 * The resulting limit is approximate, in both directions: part of the initial 16 MiB
 * is free heap the tool may also use, and emscripten grows the heap in steps of
 * 5-20 % of its size, so a step can be refused slightly before the cap.
 *
 * The cap is fixed when the module is instantiated, so a thread keeps one module
 * per distinct cap and swaps it (~15 ms) only when a call asks for a different
 * memoryBytes. Every call still gets a fresh runtime + context (execute-tool.ts),
 * and the runtime's memory is freed back to the allocator when it is disposed, so
 * the full budget is available again to the next call.
 */
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';

const WASM_PAGE_BYTES = 64 * 1024;

/**
 * Emscripten's default INITIAL_MEMORY for this build. It holds the module's static
 * data, its C stack and the allocator's first arena, i.e. what exists before any
 * tool code runs.
 */
const INITIAL_HEAP_BYTES = 16 * 1024 * 1024;

function heapCeilingPagesFor(toolMemoryBytes: number): number {
  return Math.ceil((INITIAL_HEAP_BYTES + toolMemoryBytes) / WASM_PAGE_BYTES);
}

/**
 * The project's lib setting (ES2023, no DOM) declares no WebAssembly globals, so the
 * part of WebAssembly.Memory we use is typed here instead of pulling in lib.dom.
 */
interface WasmMemory {
  grow(deltaPages: number): number;
}
interface WasmMemoryConstructor {
  new (descriptor: { initial: number; maximum: number }): WasmMemory;
}
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly.Memory;

/**
 * Tells whether the heap ran into its cap during the current call.
 *
 * When the cap is what makes malloc fail, QuickJS usually cannot allocate its own
 * "out of memory" error either, and the tool appears to have thrown `null`. Watching
 * the growth requests emscripten makes (it calls `memory.grow`, which throws once
 * `maximum` would be exceeded) is how we still recognise that as MEMORY_LIMIT.
 */
export class HeapCeiling {
  private reached = false;

  constructor(memory: WasmMemory) {
    const grow = memory.grow.bind(memory);
    memory.grow = (deltaPages: number): number => {
      try {
        return grow(deltaPages);
      } catch (error) {
        this.reached = true;
        throw error;
      }
    };
  }

  startCall(): void {
    this.reached = false;
  }

  get reachedDuringCall(): boolean {
    return this.reached;
  }
}

export interface CappedModule {
  module: QuickJSWASMModule;
  heapCeiling: HeapCeiling;
}

async function loadModuleWithCeiling(maximumPages: number): Promise<CappedModule> {
  const memory = new WasmMemory({ initial: INITIAL_HEAP_BYTES / WASM_PAGE_BYTES, maximum: maximumPages });
  const heapCeiling = new HeapCeiling(memory);
  const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory }));
  return { module, heapCeiling };
}

/** One live module per worker thread, replaced only when the memory cap changes. */
export class CappedModuleCache {
  private current: { maximumPages: number; loaded: Promise<CappedModule> } | undefined;

  moduleFor(toolMemoryBytes: number): Promise<CappedModule> {
    const maximumPages = heapCeilingPagesFor(toolMemoryBytes);
    if (this.current?.maximumPages !== maximumPages) {
      // Dropping the previous module releases its WebAssembly.Memory to the GC.
      this.current = { maximumPages, loaded: loadModuleWithCeiling(maximumPages) };
    }
    return this.current.loaded;
  }
}
