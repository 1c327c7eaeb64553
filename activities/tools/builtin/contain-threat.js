/*
 * secops.contain: what to contain for a threat — the actions a person approves before they happen.
 *
 * A sandbox tool: a plain script that defines `main(input)` and returns JSON. It runs inside QuickJS with nothing
 * from the host but console.log.
 *
 * Input:  { threatId, severity: 'high'|'critical'|…, assets: [{ id, kind: 'host'|'account'|'service', criticality }],
 *           indicators: [{ type, value, reputation? }] }
 * Output: { threatId, actions: [{ key, kind: 'indicator.block'|'host.isolate'|'account.disable', target, reason }] }
 *
 * Known-bad network indicators (ip, domain, hash with reputation >= 0.7) are blocked. Hosts are isolated and
 * accounts disabled only at critical severity, or at high severity when the asset itself is high or critical:
 * taking something away from people is reserved for threats that warrant it.
 */

const KNOWN_BAD = 0.7;
const RANK = { low: 0, medium: 1, high: 2, critical: 3 };

function fail(message) {
  throw new Error(`secops.contain: ${message}`);
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the sandbox calls main
function main(input) {
  if (input === null || typeof input !== 'object') fail('input must be an object');
  if (typeof input.threatId !== 'string' || input.threatId === '') fail('threatId must be a non-empty string');
  if (!Object.hasOwn(RANK, input.severity)) fail('severity must be one of low, medium, high, critical');
  if (!Array.isArray(input.assets) || !Array.isArray(input.indicators)) fail('assets and indicators must be arrays');
  const actions = [];
  for (const indicator of input.indicators) {
    if (indicator.type === 'user' || !(typeof indicator.reputation === 'number' && indicator.reputation >= KNOWN_BAD)) continue;
    actions.push({ key: `block:${indicator.type}:${indicator.value}`, kind: 'indicator.block', target: `${indicator.type}:${indicator.value}`, reason: `known bad (reputation ${indicator.reputation})` });
  }
  for (const asset of input.assets) {
    if (!Object.hasOwn(RANK, asset.criticality)) fail(`asset ${asset.id}: criticality must be one of low, medium, high, critical`);
    const warranted = input.severity === 'critical' || (input.severity === 'high' && RANK[asset.criticality] >= RANK.high);
    if (!warranted) continue;
    if (asset.kind === 'host') actions.push({ key: `isolate:${asset.id}`, kind: 'host.isolate', target: asset.id, reason: `${input.severity} threat on a ${asset.criticality} host` });
    if (asset.kind === 'account') actions.push({ key: `disable:${asset.id}`, kind: 'account.disable', target: asset.id, reason: `${input.severity} threat on a ${asset.criticality} account` });
  }
  return { threatId: input.threatId, actions };
}
