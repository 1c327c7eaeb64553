/**
 * Entry point of a sandbox worker thread (started via worker-bootstrap.mjs).
 *
 * The thread is NOT the security boundary: it is ordinary Node with full access.
 * The boundary is QuickJS-in-WASM (execute-tool.ts). The thread exists so that
 * the host can always stop a call, even one stuck inside WASM where no interrupt
 * handler runs, with `worker.terminate()`, without blocking its own event loop.
 *
 * Calls are handled one at a time, in arrival order; the host never sends a second
 * call before the first is answered, but chaining keeps that true regardless.
 */
import { parentPort } from 'node:worker_threads';
import { executeToolCall } from './execute-tool.js';
import { HostRequestBroker } from './host-requests.js';
import { isHttpReplyMessage, isToolCallMessage, type ThreadReadyMessage, type ToolCallMessage, type ToolResultMessage } from './protocol.js';
import { DEFAULT_LIMITS } from './types.js';
import { CappedModuleCache } from './wasm-module.js';

if (parentPort === null) {
  throw new Error('worker-thread.ts must be started as a worker thread by sandbox.ts');
}
const port = parentPort;
const modules = new CappedModuleCache();
/** The call being executed, so that host replies reach its promises; at most one at a time. */
let currentBroker: HostRequestBroker | undefined;

async function handleCall(call: ToolCallMessage): Promise<void> {
  const loaded = await modules.moduleFor(call.limits.memoryBytes);
  const broker = new HostRequestBroker(call.callId, (message) => port.postMessage(message));
  currentBroker = broker;
  const report = await executeToolCall(loaded, call, broker).finally(() => {
    currentBroker = undefined;
  });
  const reply: ToolResultMessage = { kind: 'result', callId: call.callId, ...report };
  port.postMessage(reply);
  // If the module is suspect the host terminates this thread; stop taking work meanwhile.
  if (report.threadUnusable) port.close();
}

// Load the module for the most common cap up front, so the first call's wall-clock
// budget is not spent compiling WASM.
await modules.moduleFor(DEFAULT_LIMITS.RESTRICTED.memoryBytes);

let previousCall: Promise<void> = Promise.resolve();
port.on('message', (message: unknown) => {
  if (isHttpReplyMessage(message)) {
    // A reply for a call that already ended is simply dropped.
    if (currentBroker?.callId === message.callId) currentBroker.receive(message);
    return;
  }
  if (!isToolCallMessage(message)) {
    // Only sandbox.ts talks to this port; anything else is a bug worth crashing for
    // (the host turns a thread 'error' into SANDBOX_CRASH).
    throw new TypeError('sandbox worker received a malformed message');
  }
  previousCall = previousCall.then(() => handleCall(message));
});

const ready: ThreadReadyMessage = { kind: 'ready' };
port.postMessage(ready);
