export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

export function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { count: sorted.length, p50Ms: round(at(0.5)), p95Ms: round(at(0.95)), meanMs: round(mean) };
}
