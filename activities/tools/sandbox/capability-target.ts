/**
 * What a capability gets when it is installed into a fresh context. Kept apart from
 * capabilities.ts so each capability file depends only on this shape.
 */
import type { QuickJSContext, Scope } from 'quickjs-emscripten';
import type { HostRequestBroker } from './host-requests.js';
import type { LogCollector } from './log-collector.js';
import type { FileGrants } from './protocol.js';

export interface CapabilityTarget {
  context: QuickJSContext;
  /** Owns every handle the capability creates; disposed with the call. */
  scope: Scope;
  logs: LogCollector;
  /** The call's outstanding host (HTTP) requests. */
  broker: HostRequestBroker;
  grants: FileGrants;
  /**
   * Set when a host function copied data into the guest's heap. Such copies are
   * allocated by the host side of the FFI, which does not check every allocation, so
   * a call that also hit the heap cap retires its thread (see execute-tool.ts).
   */
  traffic: { copiedIntoGuest: boolean };
}

export interface HostCapability {
  readonly name: string;
  install(target: CapabilityTarget): void;
}
