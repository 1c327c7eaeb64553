/*
 * secops.triage_alert: score a security alert and recommend what to do about it.
 *
 * A sandbox tool: a plain script that defines `main(input)` and returns JSON. It runs
 * inside QuickJS with nothing from the host but console.log.
 *
 * Input:  { alert: { id, source, indicators: [{ type: 'ip'|'domain'|'hash'|'user', value,
 *           reputation?: 0..1 }], assetCriticality: 'low'|'medium'|'high'|'critical' } }
 * Output: { alertId, severity: 'low'|'medium'|'high'|'critical', score: 0..1,
 *           reasons: [string], recommendedActions: [string] }
 *
 * reputation is the threat-intel verdict on an indicator: 0 = known good, 1 = known bad;
 * absent = no intel, which counts as a weak prior (UNKNOWN_REPUTATION).
 *
 * Scoring:
 *   threat   = noisy-OR over the strongest MAX_CONTRIBUTING indicators of
 *              (type weight x reputation): several independent bad signals add up,
 *              but 1000 weak ones cannot outvote one strong one by sheer number.
 *   score    = threat x criticality weight of the asset.
 *   severity = score bands (SEVERITY_BANDS), raised to at least 'high' when a known-bad
 *              indicator touches a high or critical asset.
 */

// How much a bad verdict on this kind of indicator says about the alert: a file hash is
// specific, an IP may be shared infrastructure, a user is usually the victim.
const TYPE_WEIGHT = { hash: 1, domain: 0.9, ip: 0.85, user: 0.7 };
const CRITICALITY_WEIGHT = { low: 0.55, medium: 0.7, high: 0.85, critical: 1 };
const SEVERITY_BANDS = [
  { severity: 'critical', minScore: 0.75 },
  { severity: 'high', minScore: 0.5 },
  { severity: 'medium', minScore: 0.25 },
  { severity: 'low', minScore: 0 },
];
const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 };
const UNKNOWN_REPUTATION = 0.2;
const MALICIOUS_REPUTATION = 0.7;
const KNOWN_BAD_REPUTATION = 0.9;
const MAX_CONTRIBUTING = 5;
// Keeps reasons and actions readable (and the output small) for alerts with 1000 indicators.
const MAX_LISTED = 10;

const SEVERITY_ACTIONS = {
  critical: ['Open a P1 incident and page the on-call responder', 'Isolate the affected asset from the network'],
  high: ['Open an incident ticket for the security team within the hour'],
  medium: ['Investigate within one business day'],
  low: ['Record the alert and close it after automated enrichment'],
};

function fail(message) {
  throw new Error(`secops.triage_alert: ${message}`);
}

function readAlert(input) {
  const alert = input !== null && typeof input === 'object' ? input.alert : undefined;
  if (alert === null || typeof alert !== 'object' || Array.isArray(alert)) fail('input.alert must be an object');
  if (typeof alert.id !== 'string' || alert.id === '') fail('alert.id must be a non-empty string');
  if (typeof alert.source !== 'string' || alert.source === '') fail('alert.source must be a non-empty string');
  if (!Object.hasOwn(CRITICALITY_WEIGHT, alert.assetCriticality)) {
    fail('alert.assetCriticality must be one of low, medium, high, critical');
  }
  if (!Array.isArray(alert.indicators)) fail('alert.indicators must be an array');
  const indicators = alert.indicators.map((indicator, index) => {
    const where = `alert.indicators[${index}]`;
    if (indicator === null || typeof indicator !== 'object') fail(`${where} must be an object`);
    if (!Object.hasOwn(TYPE_WEIGHT, indicator.type)) fail(`${where}.type must be one of ip, domain, hash, user`);
    if (typeof indicator.value !== 'string' || indicator.value === '') fail(`${where}.value must be a non-empty string`);
    const { reputation } = indicator;
    if (reputation !== undefined && (typeof reputation !== 'number' || !(reputation >= 0 && reputation <= 1))) {
      fail(`${where}.reputation must be a number from 0 to 1`);
    }
    return { type: indicator.type, value: indicator.value, reputation, weight: TYPE_WEIGHT[indicator.type] * (reputation ?? UNKNOWN_REPUTATION) };
  });
  return { id: alert.id, source: alert.source, criticality: alert.assetCriticality, indicators };
}

function describeIndicator(indicator) {
  const verdict = indicator.reputation === undefined ? 'no intel' : `reputation ${indicator.reputation}`;
  return `${indicator.type} ${indicator.value} (${verdict})`;
}

function listed(indicators) {
  const shown = indicators.slice(0, MAX_LISTED).map(describeIndicator).join(', ');
  return indicators.length > MAX_LISTED ? `${shown} and ${indicators.length - MAX_LISTED} more` : shown;
}

function indicatorAction(indicator) {
  switch (indicator.type) {
    case 'ip':
      return `Block IP ${indicator.value} at the perimeter firewall`;
    case 'domain':
      return `Block domain ${indicator.value} at DNS and the web proxy`;
    case 'hash':
      return `Quarantine files with hash ${indicator.value} and run an EDR sweep`;
    default:
      return `Reset credentials and revoke sessions of user ${indicator.value}`;
  }
}

function severityForScore(score) {
  return SEVERITY_BANDS.find((band) => score >= band.minScore).severity;
}

// The sandbox calls `main` by name; nothing in this file does.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
function main(input) {
  const alert = readAlert(input);
  const strongestFirst = [...alert.indicators].sort((a, b) => b.weight - a.weight);
  const threat = 1 - strongestFirst.slice(0, MAX_CONTRIBUTING).reduce((benign, indicator) => benign * (1 - indicator.weight), 1);
  const score = Math.round(threat * CRITICALITY_WEIGHT[alert.criticality] * 1000) / 1000;

  const malicious = strongestFirst.filter((indicator) => (indicator.reputation ?? 0) >= MALICIOUS_REPUTATION);
  const knownBad = malicious.filter((indicator) => indicator.reputation >= KNOWN_BAD_REPUTATION);
  const withoutIntel = alert.indicators.filter((indicator) => indicator.reputation === undefined);
  const reasons = [`asset criticality is ${alert.criticality}`];
  if (alert.indicators.length === 0) reasons.push('the alert carries no indicators, so there is no threat signal to score');
  if (malicious.length > 0) reasons.push(`${malicious.length} indicator(s) with malicious reputation: ${listed(malicious)}`);
  if (withoutIntel.length > 0) reasons.push(`${withoutIntel.length} indicator(s) without reputation data: ${listed(withoutIntel)}`);

  let severity = severityForScore(score);
  reasons.push(`threat score ${score} from source ${alert.source} puts it in the ${severity} band`);
  const touchesImportantAsset = alert.criticality === 'high' || alert.criticality === 'critical';
  if (knownBad.length > 0 && touchesImportantAsset && SEVERITY_RANK[severity] < SEVERITY_RANK.high) {
    severity = 'high';
    reasons.push(`raised to high: a known-bad indicator (reputation >= ${KNOWN_BAD_REPUTATION}) touches a ${alert.criticality} asset`);
  }

  const recommendedActions = [...SEVERITY_ACTIONS[severity], ...malicious.slice(0, MAX_LISTED).map(indicatorAction)];
  if (withoutIntel.length > 0) recommendedActions.push('Enrich the indicators without reputation data against threat intelligence');

  console.log(`alert ${alert.id}: score ${score}, severity ${severity}, ${alert.indicators.length} indicator(s)`);
  return { alertId: alert.id, severity, score, reasons, recommendedActions };
}
