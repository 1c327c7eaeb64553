/**
 * The ways of running one tool that the overhead bench compares. Every helper checks each output, so an error
 * result (which can be faster than a real run) never counts as a measurement.
 */
import { createSandbox, type Sandbox } from '../../activities/tools/sandbox/sandbox.js';
import type { SandboxResult } from '../../activities/tools/sandbox/types.js';
import { latencyFigures, round, timeSequential, type LatencyFigures } from './figures.js';
import { nativeFunction, type ToolWorkload } from './workloads.js';

export interface SaturationFigures {
  threads: number;
  callers: number;
  calls: number;
  callsPerS: number;
  /** Measured calls/s over threads × the single-thread rate (1000 / warm mean ms): 1 means perfect scaling. */
  perThreadEfficiency: number;
  latency: LatencyFigures;
}

function expectOutput(workload: ToolWorkload, result: SandboxResult): void {
  if (!result.ok) throw new Error(`${workload.name}: sandbox call failed with ${result.error.code}: ${result.error.message}`);
  workload.check(result.output);
}

async function runChecked(sandbox: Sandbox, workload: ToolWorkload): Promise<void> {
  expectOutput(workload, await sandbox.run({ code: workload.code, entry: workload.entry, input: workload.input, level: 'RESTRICTED' }));
}

/** (a) the function called directly in this process, after the same warm-up the sandbox gets. */
export async function measureNative(workload: ToolWorkload, calls: number, warmUp: number): Promise<LatencyFigures> {
  const entry = nativeFunction(workload);
  const once = () => workload.check(entry(workload.input));
  await timeSequential(warmUp, once);
  return latencyFigures(await timeSequential(calls, once));
}

/** (b) a new Sandbox per call: thread start, WASM instantiation and the run, as a call with no pool would pay. */
export async function measureCold(workload: ToolWorkload, calls: number): Promise<LatencyFigures> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const started = performance.now();
    const sandbox = createSandbox({ threads: 1 });
    try {
      await runChecked(sandbox, workload);
      samples.push(performance.now() - started);
    } finally {
      // Closing is outside the timed span: a caller has its answer before the thread is torn down.
      await sandbox.close();
    }
  }
  return latencyFigures(samples);
}

/** Starts every thread of the pool and runs `warmUp` calls more, so what follows sees a warm pool. */
export async function warmUpSandbox(sandbox: Sandbox, workload: ToolWorkload, threads: number, warmUp: number): Promise<void> {
  await Promise.all(Array.from({ length: threads }, () => runChecked(sandbox, workload)));
  await timeSequential(warmUp, () => runChecked(sandbox, workload));
}

/** (c) one long-lived Sandbox, one call at a time after warm-up: the latency a tool activity sees. */
export async function measureWarm(workload: ToolWorkload, calls: number, warmUp: number): Promise<LatencyFigures> {
  const sandbox = createSandbox({ threads: 1 });
  try {
    await warmUpSandbox(sandbox, workload, 1, warmUp);
    return latencyFigures(await timeSequential(calls, () => runChecked(sandbox, workload)));
  } finally {
    await sandbox.close();
  }
}

/** (d) `callers` concurrent callers sharing `calls` calls on a warm pool of `threads`. */
export async function measureSaturation(workload: ToolWorkload, options: { threads: number; callers: number; calls: number; warmUp: number; warmMeanMs: number }): Promise<SaturationFigures> {
  const sandbox = createSandbox({ threads: options.threads });
  try {
    await warmUpSandbox(sandbox, workload, options.threads, options.warmUp);
    const samples: number[] = [];
    let next = 0;
    const caller = async () => {
      while (next < options.calls) {
        next += 1;
        const started = performance.now();
        await runChecked(sandbox, workload);
        samples.push(performance.now() - started);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: options.callers }, caller));
    const elapsedS = (performance.now() - started) / 1000;
    const callsPerS = options.calls / elapsedS;
    const ideal = options.threads * (1000 / Math.max(options.warmMeanMs, 1e-6));
    return {
      threads: options.threads,
      callers: options.callers,
      calls: options.calls,
      callsPerS: round(callsPerS, 1),
      perThreadEfficiency: round(callsPerS / ideal, 3),
      latency: latencyFigures(samples),
    };
  } finally {
    await sandbox.close();
  }
}
