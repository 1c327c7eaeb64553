import { estimateTokens } from '../models/plan-contract.js';
import { routedChat, type RoutedChatDeps } from '../models/routed-chat.js';
import { codeMessages, parseWrittenTool, WRITTEN_TOOL_SCHEMA, type CodeModel, type WrittenTool } from './code-model.js';

/** Who writes tools, to the router and in the cost records: its rules may send this agent type to a code model. */
export const INTEGRATION_BUILDER_TYPE = 'meta.integration_builder';
const BUILD_TASK_TYPE = 'build_integration';
/** A generated tool is a few kilobytes of code and a schema. */
const TOOL_OUTPUT_TOKENS_ESTIMATE = 3000;

/**
 * Tool code written by the model the router chooses for the integration builder: the same registry, rules, budget,
 * provider limits, fallbacks and cost records as Reason (step `write:<operation>`, keyed by the build).
 */
export function routedCodeModel(deps: RoutedChatDeps): CodeModel {
  return {
    name: 'router',
    async write(request, signal): Promise<WrittenTool> {
      const messages = codeMessages(request);
      const { value, model } = await routedChat(
        deps,
        {
          tenant: request.tenant,
          key: {
            taskId: request.buildId,
            agentType: INTEGRATION_BUILDER_TYPE,
            taskType: BUILD_TASK_TYPE,
            step: `write:${request.operation.operationId}`,
            taskAttempt: request.attempt,
            activityAttempt: request.activityAttempt,
          },
          routing: {
            agentType: INTEGRATION_BUILDER_TYPE,
            taskType: BUILD_TASK_TYPE,
            requiredCapabilities: ['chat', 'structured_output'],
            estimatedInputTokens: estimateTokens(messages) + 200,
            estimatedOutputTokens: TOOL_OUTPUT_TOKENS_ESTIMATE,
          },
          request: () => ({ messages, responseSchema: { name: 'tool', schema: WRITTEN_TOOL_SCHEMA }, maxOutputTokens: 2 * TOOL_OUTPUT_TOKENS_ESTIMATE, temperature: 0.2 }),
          interpret: (response) => parseWrittenTool(response.text),
          invalidKind: 'invalid_tool',
          wanted: 'tool code',
        },
        signal,
      );
      return { ...value, writtenBy: model.id };
    },
  };
}
