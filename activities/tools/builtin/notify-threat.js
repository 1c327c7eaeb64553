/*
 * secops.notify: who hears of a threat, and what they are told.
 *
 * A sandbox tool: a plain script that defines `main(input)` and returns JSON. It runs inside QuickJS with nothing
 * from the host but console.log.
 *
 * Input:  { threatId, severity, title, assets: [{ id, kind, criticality }] }
 * Output: { threatId, recipients: [string], message }
 *
 * The security operations channel always; the incident commander from high severity on; the CISO at critical; the
 * owners of every high or critical asset involved.
 */

const RANK = { low: 0, medium: 1, high: 2, critical: 3 };

function fail(message) {
  throw new Error(`secops.notify: ${message}`);
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the sandbox calls main
function main(input) {
  if (input === null || typeof input !== 'object') fail('input must be an object');
  if (typeof input.threatId !== 'string' || input.threatId === '') fail('threatId must be a non-empty string');
  if (!Object.hasOwn(RANK, input.severity)) fail('severity must be one of low, medium, high, critical');
  if (!Array.isArray(input.assets)) fail('assets must be an array');
  const recipients = ['soc-channel'];
  if (RANK[input.severity] >= RANK.high) recipients.push('incident-commander');
  if (input.severity === 'critical') recipients.push('ciso');
  for (const asset of input.assets) {
    if (RANK[asset.criticality] >= RANK.high) recipients.push(`owner:${asset.kind}:${asset.id}`);
  }
  const message = `[${input.severity.toUpperCase()}] ${input.title} (threat ${input.threatId}); ${input.assets.length} asset(s) involved.`;
  return { threatId: input.threatId, recipients, message };
}
