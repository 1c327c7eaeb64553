import { describe, expect, it } from 'vitest';
import { collectFindings, containmentEffects, planThreatResponse, SWARM_SIZE, threatAlert } from '../../core/swarm/threats.js';

const alert = (severity: 'low' | 'medium' | 'high' | 'critical', indicators = 7) =>
  threatAlert.parse({ threatId: 'T-9', title: 'Beacon', severity, source: 'edr', indicators: Array.from({ length: indicators }, (_, i) => ({ type: 'ip', value: `10.0.0.${i}` })) });

describe('threat response plan', () => {
  it('sizes the swarm by severity and splits the indicators between the forensics investigators', () => {
    for (const severity of ['low', 'medium', 'high', 'critical'] as const) expect(planThreatResponse(alert(severity))).toHaveLength(SWARM_SIZE[severity]);
    expect(planThreatResponse(alert('low')).map((i) => i.step)).toEqual(['forensics']);
    expect(planThreatResponse(alert('medium')).map((i) => i.step)).toEqual(['forensics', 'notification']);
    const critical = planThreatResponse(alert('critical'));
    expect(critical.map((i) => i.step)).toEqual(['containment', 'forensics', 'forensics', 'forensics', 'forensics', 'notification']);
    const shards = critical.filter((i) => i.step === 'forensics').map((i) => (i.input.indicators as unknown[]).length);
    expect(shards).toEqual([2, 2, 2, 1]);
    expect(critical.map((i) => i.taskId)).toEqual(['threat.T-9.1', 'threat.T-9.2', 'threat.T-9.3', 'threat.T-9.4', 'threat.T-9.5', 'threat.T-9.6']);
  });

  it('asks a person only for containment that takes something away from people', () => {
    const result = (actions: unknown[]) => ({ tool: 'secops.contain', ok: true, output: { actions } as never, durationMs: 1 });
    const blockOnly = containmentEffects('T-9', result([{ key: 'b', kind: 'indicator.block', target: 'ip:1', reason: 'bad' }]));
    expect(blockOnly).toMatchObject({ needsPerson: false, impact: 'medium' });
    expect(blockOnly.effects).toEqual([{ key: 'indicator.block:ip:1', kind: 'indicator.block', payload: { threatId: 'T-9', target: 'ip:1', reason: 'bad' } }]);
    expect(containmentEffects('T-9', result([{ key: 'i', kind: 'host.isolate', target: 'web', reason: 'x' }]))).toMatchObject({ needsPerson: true, impact: 'high' });
    expect(containmentEffects('T-9', undefined)).toEqual({ effects: [], impact: 'low', needsPerson: false });
  });

  it('puts the worst findings first and says so in words', () => {
    const forensics = (findings: unknown[]) => ({ tool: 'secops.investigate', ok: true, output: { findings } as never, durationMs: 1 });
    const { findings, summary } = collectFindings(alert('high'), [
      forensics([{ indicator: 'ip 10.0.0.1', verdict: 'benign', reason: 'r' }]),
      forensics([{ indicator: 'hash abc', verdict: 'malicious', reason: 'intel 0.9' }]),
    ]);
    expect(findings.map((f) => f.verdict)).toEqual(['malicious', 'benign']);
    expect(summary).toContain('hash abc malicious (intel 0.9)');
    expect(threatAlert.safeParse({ threatId: 'bad id', title: 't', severity: 'low', source: 's' }).success).toBe(false);
  });
});
