export { createSandbox, Sandbox, type SandboxOptions } from './sandbox.js';
export type { SecretBinding, SecretLookup } from './http-gateway.js';
export type { ResolvedAddress, ResolveHost } from './http-policy.js';
export type { LimitsByLevel } from './limits.js';
export {
  DEFAULT_LIMITS,
  type HostErrorCode,
  type SandboxError,
  type SandboxErrorCode,
  type SandboxLevel,
  type SandboxLimits,
  type SandboxRequest,
  type SandboxResult,
} from './types.js';
