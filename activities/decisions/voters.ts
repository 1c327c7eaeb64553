import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { AGENT_CATALOG } from '../../core/agents/catalog.js';
import { normaliseChoice, type ConsensusOption, type Vote, type VoterSpec, voterId } from '../../core/decisions/consensus.js';

export interface VoteRequest {
  tenant: string;
  roundId: string;
  question: string;
  options: ConsensusOption[];
  context: string;
  voter: VoterSpec;
}

/** A voter's problem that a retry cannot fix (unknown agent type, no model endpoint, an answer that is no option). */
export const INVALID_VOTE = 'InvalidVote';

export interface ModelEndpoint {
  /** An OpenAI-compatible endpoint for models the registry does not know. */
  baseUrl?: string;
  apiKey?: string;
  /** Registry models, asked through the model router (its provider adapters, limits and cost records). */
  registry?: RegistryVoter;
}

export type BallotMessage = { role: 'system' | 'user'; content: string };
/** The model's answer to the ballot; undefined when the voter names no model of the tenant's registry. */
export type RegistryVoter = (request: VoteRequest & { voter: { kind: 'model' } }, messages: BallotMessage[], signal: AbortSignal) => Promise<string | undefined>;

const WORD = /[a-z0-9]+/g;
const words = (text: string) => new Set(text.toLowerCase().match(WORD) ?? []);

/**
 * An agent type votes through its playbook knowledge: the option whose words overlap most with what the agent knows
 * (its capabilities, department, task types and their descriptions). Its confidence is its playbooks' own, scaled by
 * how clearly one option stands out; an agent that recognises nothing votes with little confidence.
 */
export function playbookVote(request: VoteRequest & { voter: { kind: 'agent' } }): Vote {
  const agent = AGENT_CATALOG.find((a) => a.agentType === request.voter.agentType);
  if (!agent) throw ApplicationFailure.nonRetryable(`unknown agent type "${request.voter.agentType}"`, INVALID_VOTE);
  const knowledge = words([agent.department, ...agent.capabilities, ...agent.taskTypes.flatMap((t) => [t.taskType.replace(/_/g, ' '), t.description])].join(' '));
  const scored = request.options.map((option) => {
    const optionWords = [...words(`${option.label} ${option.description ?? ''}`)];
    return { option, overlap: optionWords.filter((w) => knowledge.has(w)).length };
  });
  scored.sort((a, b) => b.overlap - a.overlap);
  const [best, second] = scored;
  if (!best) throw ApplicationFailure.nonRetryable('a round needs options', INVALID_VOTE);
  const base = Math.max(...agent.taskTypes.map((t) => t.playbook.baseConfidence));
  const margin = best.overlap === 0 ? 0 : (best.overlap - (second?.overlap ?? 0)) / best.overlap;
  const confidence = best.overlap === 0 ? 0.2 : Math.round(base * (0.6 + 0.4 * margin) * 100) / 100;
  return {
    voter: voterId(request.voter),
    choice: best.option.id,
    confidence,
    rationale: best.overlap === 0 ? `${agent.name} recognises none of the options` : `${best.option.label} fits ${agent.name}'s ${agent.capabilities.join(', ')}`,
  };
}

const completion = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1) });
const modelBallot = z.object({ choice: z.string().min(1), confidence: z.number().min(0).max(1), rationale: z.string().max(4000).default('') });

/** A model votes over the OpenAI-compatible chat completions wire format; its free answer is normalised to an option. */
export async function modelVote(endpoint: ModelEndpoint | undefined, request: VoteRequest & { voter: { kind: 'model' } }, signal: AbortSignal, fetchImpl: typeof fetch = fetch): Promise<Vote> {
  const routed = await endpoint?.registry?.(request, ballotMessages(request), signal);
  if (routed !== undefined) return ballotVote(routed, request);
  if (!endpoint?.baseUrl) throw ApplicationFailure.nonRetryable('model voters need OPENAI_BASE_URL', INVALID_VOTE);
  const response = await fetchImpl(`${endpoint.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}) },
    body: JSON.stringify({
      model: request.voter.model,
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: ballotMessages(request),
    }),
  });
  const text = await response.text();
  // 4xx other than rate limiting will not get better with a retry; 429 and 5xx will.
  if (!response.ok) {
    const message = `model ${request.voter.model} answered ${response.status}: ${text.slice(0, 300)}`;
    if (response.status >= 400 && response.status < 500 && response.status !== 429) throw ApplicationFailure.nonRetryable(message, INVALID_VOTE);
    throw new Error(message);
  }
  const content = completion.parse(JSON.parse(text)).choices[0]?.message.content ?? '';
  return ballotVote(content, request);
}

function ballotMessages(request: VoteRequest): BallotMessage[] {
  return [
    {
      role: 'system',
      content:
        'You are one independent voter in a consensus round of the ANTS agent swarm. Judge on your own. ' +
        'Answer with one JSON object: {"choice": option id, "confidence": number 0..1, "rationale": string}.',
    },
    { role: 'user', content: JSON.stringify({ question: request.question, options: request.options, context: request.context }) },
  ];
}

function ballotVote(content: string, request: VoteRequest & { voter: { kind: 'model' } }): Vote {
  const ballot = modelBallot.safeParse(parseJsonObject(content));
  if (!ballot.success) throw ApplicationFailure.nonRetryable(`model ${request.voter.model} gave no ballot: ${content.slice(0, 200)}`, INVALID_VOTE);
  const choice = normaliseChoice(ballot.data.choice, request.options);
  if (!choice) throw ApplicationFailure.nonRetryable(`model ${request.voter.model} chose "${ballot.data.choice}", which is none of the options`, INVALID_VOTE);
  return { voter: voterId(request.voter), choice, confidence: ballot.data.confidence, rationale: ballot.data.rationale, model: request.voter.model };
}

function parseJsonObject(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    const match = /\{[\s\S]*\}/.exec(content);
    if (!match) return undefined;
    try {
      return JSON.parse(match[0]);
    } catch {
      return undefined;
    }
  }
}
