import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * Runs each service as its own process and restarts it when it dies (with a growing back-off that resets once the
 * process has stayed up a while). Output is prefixed with the service name. Used by `npm start` and by the tests
 * that kill processes on purpose.
 */
export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface SupervisorOptions {
  output?: (service: string, line: string) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A process that stayed up this long is considered healthy again, and its back-off resets. */
  healthyAfterMs?: number;
  stopTimeoutMs?: number;
}

interface Running {
  spec: ServiceSpec;
  child?: ChildProcess;
  startedAt: number;
  backoffMs: number;
  restarts: number;
  restartTimer?: NodeJS.Timeout;
}

export class Supervisor extends EventEmitter<{ started: [string, number]; exited: [string, number | null, NodeJS.Signals | null] }> {
  private readonly services = new Map<string, Running>();
  private stopping = false;
  private readonly options: Required<SupervisorOptions>;

  constructor(options: SupervisorOptions = {}) {
    super();
    this.options = {
      output: (service, line) => process.stdout.write(`[${service}] ${line}\n`),
      initialBackoffMs: 500,
      maxBackoffMs: 15_000,
      healthyAfterMs: 30_000,
      stopTimeoutMs: 20_000,
      ...options,
    };
  }

  add(spec: ServiceSpec): void {
    if (this.services.has(spec.name)) throw new Error(`service ${spec.name} is already supervised`);
    const running: Running = { spec, startedAt: 0, backoffMs: this.options.initialBackoffMs, restarts: 0 };
    this.services.set(spec.name, running);
    this.launch(running);
  }

  pid(name: string): number | undefined {
    return this.services.get(name)?.child?.pid;
  }

  restarts(name: string): number {
    return this.services.get(name)?.restarts ?? 0;
  }

  private launch(running: Running): void {
    const { spec } = running;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, ANTS_SUPERVISED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.child = child;
    running.startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.options.output(spec.name, line));
    }
    child.on('error', (error) => this.options.output(spec.name, `failed to start: ${error.message}`));
    child.once('exit', (code, signal) => {
      running.child = undefined;
      this.emit('exited', spec.name, code, signal);
      if (this.stopping) return;
      if (Date.now() - running.startedAt >= this.options.healthyAfterMs) running.backoffMs = this.options.initialBackoffMs;
      this.options.output(spec.name, `exited (${signal ?? `code ${code}`}); restarting in ${running.backoffMs} ms`);
      running.restartTimer = setTimeout(() => {
        running.restarts += 1;
        this.launch(running);
      }, running.backoffMs);
      running.backoffMs = Math.min(running.backoffMs * 2, this.options.maxBackoffMs);
    });
    if (child.pid !== undefined) this.emit('started', spec.name, child.pid);
  }

  /** SIGTERM to every service (workers drain their in-flight activities), SIGKILL for any that outstay the timeout. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.services.values()].map(async (running) => {
        clearTimeout(running.restartTimer);
        const child = running.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
