/**
 * Per-call scratch directories (PERMISSIVE), owned by the host, not by the worker:
 * the host creates one before the call and removes it after the call's answer, so it
 * is removed even when the thread was killed by the wall-clock backstop or crashed
 * (the host first waits for such a thread to stop, so nothing writes while removing).
 *
 * Names are random (mkdtemp) and the root is private to the service user (0700), so
 * one call cannot guess, let alone reach, another call's directory.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_SCRATCH_ROOT = join(tmpdir(), 'ants-scratch');

export class ScratchDirectories {
  constructor(private readonly root: string) {}

  async create(): Promise<string> {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    return mkdtemp(join(this.root, 'run-'));
  }

  async remove(directory: string): Promise<void> {
    await rm(directory, { recursive: true, force: true, maxRetries: 3 });
  }
}
