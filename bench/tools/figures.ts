import { percentile } from '../../core/swarm/metrics.js';

/** Latency of one mode, in milliseconds. Sub-millisecond native calls need more than the house one decimal. */
export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function latencyFigures(samplesMs: readonly number[]): LatencyFigures {
  const mean = samplesMs.reduce((sum, v) => sum + v, 0) / Math.max(1, samplesMs.length);
  return {
    count: samplesMs.length,
    p50Ms: round(percentile(samplesMs, 0.5)),
    p95Ms: round(percentile(samplesMs, 0.95)),
    p99Ms: round(percentile(samplesMs, 0.99)),
    meanMs: round(mean),
  };
}

/** Times `calls` sequential runs of `once` (each awaited before the next), in milliseconds. */
export async function timeSequential(calls: number, once: () => Promise<void> | void): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const started = performance.now();
    await once();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** A markdown table, as the other benches print theirs. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
