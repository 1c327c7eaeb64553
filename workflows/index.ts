// Everything the `workflows` worker bundles. Message definitions are exported for clients beside each workflow.
export { taskWorkflow } from './task/workflow.js';
