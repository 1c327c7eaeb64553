/*
 * What the sandbox costs a tool call, side by side with the same function run natively in Node:
 *   native  the tool's entry function called directly (the floor)
 *   cold    a fresh Sandbox per call: thread start + WASM instantiation + the run
 *   warm    one Sandbox, one call at a time after warm-up (what a tool activity sees)
 *   saturation  4 × threads concurrent callers on a warm pool: calls/s and per-thread efficiency
 * Figures are ratios and differences against the native run on the same machine, never absolute assertions; the
 * one target, warm per-call overhead (warm p50 − native p50) < 5 ms, is judged on the tool that does nothing — for a
 * tool with real work the same difference also holds QuickJS interpreting it (reported as warm / native) — printed
 * as met or missed, and it sets the exit code.
 *   npm run bench:tools [-- --calls 300 --cold-calls 20 --warm-up 30 --threads 2 --json]
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { markdownTable, round, type LatencyFigures } from './figures.js';
import { measureCold, measureNative, measureSaturation, measureWarm, type SaturationFigures } from './modes.js';
import { parseToolsBenchOptions, type ToolsBenchOptions } from './options.js';
import { identityWorkload, matchTransactionsWorkload, type ToolWorkload } from './workloads.js';

export const WARM_OVERHEAD_TARGET_MS = 5;

export interface ToolOverhead {
  tool: string;
  native: LatencyFigures;
  cold: LatencyFigures;
  warm: LatencyFigures;
  /** warm p50 − native p50. */
  warmOverheadMs: number;
  /** cold p50 / warm p50: what keeping threads alive saves. */
  coldOverWarm: number;
  /** warm p50 / native p50: what running inside the boundary costs this tool's own work. */
  warmOverNative: number;
  /** Absent for tools the target is not judged on (see ToolWorkload.judgesOverhead). */
  targetMet?: boolean;
  saturation: SaturationFigures;
}

export interface OverheadSection {
  section: 'sandbox-overhead';
  cores: number;
  options: Omit<ToolsBenchOptions, 'json'>;
  targetMs: number;
  tools: ToolOverhead[];
  targetMet: boolean;
}

export async function defaultWorkloads(): Promise<ToolWorkload[]> {
  return [identityWorkload(), await matchTransactionsWorkload(50)];
}

/** Runs the modes one after another (never together), so no mode's figures include another's CPU use. */
export async function measureSandboxOverhead(options: Omit<ToolsBenchOptions, 'json'>, workloads: readonly ToolWorkload[], progress: (line: string) => void = () => undefined): Promise<OverheadSection> {
  const tools: ToolOverhead[] = [];
  for (const workload of workloads) {
    progress(`${workload.name}: native`);
    const native = await measureNative(workload, options.calls, options.warmUp);
    progress(`${workload.name}: cold (${options.coldCalls} calls)`);
    const cold = await measureCold(workload, options.coldCalls);
    progress(`${workload.name}: warm`);
    const warm = await measureWarm(workload, options.calls, options.warmUp);
    progress(`${workload.name}: saturation (${options.threads} threads)`);
    const saturation = await measureSaturation(workload, { threads: options.threads, callers: 4 * options.threads, calls: options.calls, warmUp: options.warmUp, warmMeanMs: warm.meanMs });
    const warmOverheadMs = round(warm.p50Ms - native.p50Ms);
    tools.push({
      tool: workload.name,
      native,
      cold,
      warm,
      warmOverheadMs,
      coldOverWarm: round(cold.p50Ms / Math.max(warm.p50Ms, 1e-3), 1),
      warmOverNative: round(warm.p50Ms / Math.max(native.p50Ms, 1e-3), 0),
      ...(workload.judgesOverhead ? { targetMet: warmOverheadMs < WARM_OVERHEAD_TARGET_MS } : {}),
      saturation,
    });
  }
  return { section: 'sandbox-overhead', cores: availableParallelism(), options, targetMs: WARM_OVERHEAD_TARGET_MS, tools, targetMet: tools.every((t) => t.targetMet !== false) };
}

export function formatOverheadSection(section: OverheadSection): string {
  const { options } = section;
  const lines = [`sandbox overhead: ${options.calls} calls per mode (${options.coldCalls} cold), ${options.warmUp} warm-up calls, ${section.cores} cores`, ''];
  const latencyRows = section.tools.flatMap((t) =>
    (['native', 'cold', 'warm'] as const).map((mode) => [t.tool, mode, t[mode].p50Ms, t[mode].p95Ms, t[mode].p99Ms, t[mode].meanMs, t[mode].count]),
  );
  lines.push(markdownTable(['tool', 'mode', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'calls'], latencyRows), '');
  lines.push(
    markdownTable(
      ['tool', 'warm − native p50 ms', 'warm / native p50', 'cold p50 / warm p50', `per-call overhead < ${section.targetMs} ms`],
      section.tools.map((t) => [t.tool, t.warmOverheadMs, `${t.warmOverNative}×`, `${t.coldOverWarm}×`, t.targetMet === undefined ? '(not judged: real work)' : t.targetMet ? 'met' : 'MISSED']),
    ),
    '',
  );
  lines.push(
    markdownTable(
      ['tool', 'threads', 'callers', 'calls', 'calls/s', 'per-thread efficiency', 'latency p50 ms', 'latency p99 ms'],
      section.tools.map(({ tool, saturation: s }) => [tool, s.threads, s.callers, s.calls, s.callsPerS, s.perThreadEfficiency, s.latency.p50Ms, s.latency.p99Ms]),
    ),
  );
  lines.push('', `per-call overhead target (< ${section.targetMs} ms, warm, tool doing nothing): ${section.targetMet ? 'met' : 'MISSED'}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { json, ...options } = parseToolsBenchOptions(process.argv.slice(2));
  const progress = json ? undefined : (line: string) => process.stderr.write(`[bench:tools] ${line}\n`);
  const overhead = await measureSandboxOverhead(options, await defaultWorkloads(), progress);
  if (json) {
    console.log(JSON.stringify({ bench: 'tools', sections: [overhead] }));
  } else {
    console.log(`\n${formatOverheadSection(overhead)}`);
    console.log(`\n${JSON.stringify({ bench: 'tools', sections: [overhead] })}`);
  }
  if (!overhead.targetMet) process.exitCode = 1;
}

// Runs only as `npm run bench:tools`; importing this file (to add a section) runs nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
