import { departmental as agent } from './draft.js';

/* The swarm's own defender and its meta agents (whitepaper §10.3 C–D and §13). */
export const PLATFORM_AGENTS = [
  agent({
    agentType: 'cybersecurity.defender', name: 'Cyber defender agent', tier: 'always_on', idleMinutes: 5,
    description: 'Stays vigilant on security alerts, correlates them and coordinates the response.',
    capabilities: ['threat_detection', 'incident_response', 'security_triage'], tools: ['siem.read_alerts', 'secops.triage_alert'], tags: ['security', 'defence', 'alerts'],
    summary: 'Correlate high and critical alerts, triage each and coordinate the response with the secops agents.',
    steps: [['read_alerts', 'Read high and critical alerts from the SIEM.', 'siem.read_alerts'], ['triage', 'Triage each alert.', 'secops.triage_alert'], ['coordinate', 'Open or update the incident and recruit responders.']],
    wakeOn: { events: ['security.alert.high', 'security.alert.critical'], threshold: 1, sleepAfterIdleMinutes: 5 },
  }),
  agent({
    agentType: 'meta.tool_discovery', name: 'Tool discovery agent',
    description: 'Explores API documentation to find the operations a requested capability needs.',
    capabilities: ['tool_discovery', 'api_exploration'], tools: ['web.fetch_documentation'], tags: ['meta', 'apis', 'integrations'],
    summary: 'Read the documentation of candidate APIs and describe the operations that fulfil the capability.',
    steps: [['find_docs', 'Fetch the documentation of candidate APIs.', 'web.fetch_documentation'], ['extract_operations', 'Extract the operations and their schemas.'], ['describe', 'Describe the operations for the integration builder.']],
  }),
  agent({
    agentType: 'meta.integration_builder', name: 'Integration builder agent',
    description: 'Generates, validates and sandbox-tests new tools for other agents.',
    capabilities: ['tool_generation', 'integration_building'], tools: ['sandbox.test_tool'], tags: ['meta', 'tools', 'integrations'],
    summary: 'Generate tool code from an operation description, test it in the sandbox and register it on success.',
    steps: [['generate', 'Generate the tool code and its input schema.'], ['test', 'Run the generated tests in the sandbox.', 'sandbox.test_tool'], ['register', 'Register the tool for the requesting agents.']],
  }),
];
