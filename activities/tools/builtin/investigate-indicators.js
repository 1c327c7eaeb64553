/*
 * secops.investigate: the forensics share of a threat swarm member — a verdict on each of its indicators.
 *
 * A sandbox tool: a plain script that defines `main(input)` and returns JSON. It runs inside QuickJS with nothing
 * from the host but console.log.
 *
 * Input:  { threatId, shard, of, indicators: [{ type: 'ip'|'domain'|'hash'|'user', value, reputation?: 0..1 }] }
 * Output: { threatId, shard, findings: [{ indicator, verdict: 'malicious'|'suspicious'|'benign'|'unknown', reason }],
 *           malicious: n }
 *
 * reputation is the threat-intel verdict (0 known good … 1 known bad). Without intel a file hash or a domain is
 * 'unknown'; a user is the likely victim, not the attacker, so it is 'suspicious' only with a bad reputation.
 */

const MALICIOUS = 0.7;
const SUSPICIOUS = 0.4;
const BENIGN = 0.1;

function fail(message) {
  throw new Error(`secops.investigate: ${message}`);
}

function verdictOf(indicator) {
  const label = `${indicator.type} ${indicator.value}`;
  const { reputation } = indicator;
  if (reputation === undefined) return { indicator: label, verdict: 'unknown', reason: 'no threat intel' };
  if (indicator.type === 'user') {
    return reputation >= SUSPICIOUS
      ? { indicator: label, verdict: 'suspicious', reason: `account behaves like a compromised one (reputation ${reputation})` }
      : { indicator: label, verdict: 'benign', reason: `account reputation ${reputation}` };
  }
  if (reputation >= MALICIOUS) return { indicator: label, verdict: 'malicious', reason: `threat intel reputation ${reputation}` };
  if (reputation >= SUSPICIOUS) return { indicator: label, verdict: 'suspicious', reason: `threat intel reputation ${reputation}` };
  if (reputation <= BENIGN) return { indicator: label, verdict: 'benign', reason: `threat intel reputation ${reputation}` };
  return { indicator: label, verdict: 'unknown', reason: `inconclusive reputation ${reputation}` };
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the sandbox calls main
function main(input) {
  if (input === null || typeof input !== 'object') fail('input must be an object');
  if (typeof input.threatId !== 'string' || input.threatId === '') fail('threatId must be a non-empty string');
  if (!Array.isArray(input.indicators)) fail('indicators must be an array');
  const findings = input.indicators.map((indicator, index) => {
    if (indicator === null || typeof indicator !== 'object') fail(`indicators[${index}] must be an object`);
    if (!['ip', 'domain', 'hash', 'user'].includes(indicator.type)) fail(`indicators[${index}].type must be one of ip, domain, hash, user`);
    if (typeof indicator.value !== 'string' || indicator.value === '') fail(`indicators[${index}].value must be a non-empty string`);
    const { reputation } = indicator;
    if (reputation !== undefined && (typeof reputation !== 'number' || !(reputation >= 0 && reputation <= 1))) fail(`indicators[${index}].reputation must be 0..1`);
    return verdictOf(indicator);
  });
  return { threatId: input.threatId, shard: input.shard ?? 0, findings, malicious: findings.filter((f) => f.verdict === 'malicious').length };
}
