export { createSandbox, Sandbox, type SandboxOptions } from './sandbox.js';
export {
  DEFAULT_LIMITS,
  type SandboxError,
  type SandboxErrorCode,
  type SandboxLevel,
  type SandboxLimits,
  type SandboxRequest,
  type SandboxResult,
} from './types.js';
