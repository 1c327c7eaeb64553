// Everything the `workflows` worker bundles. Message definitions are exported for clients beside each workflow.
export { taskWorkflow } from './task/workflow.js';
export { approvalWorkflow } from './approval/workflow.js';
export { decisionMemoryWorkflow } from './approval/remember.js';
export { consensusWorkflow } from './consensus/workflow.js';
export { sessionWorkflow } from './session/workflow.js';
export { threatResponseWorkflow } from './threat/workflow.js';
export { agentWorkflow } from './agent/workflow.js';
export { agentActivationWorkflow } from './agent/activation.js';
export { memoryUpkeepWorkflow } from './memory/workflow.js';
export { capabilityWorkflow } from './capability/workflow.js';
export { toolRunWorkflow } from './tools/workflow.js';
