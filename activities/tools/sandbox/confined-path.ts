/**
 * Turning a guest-supplied relative path into a real path that is provably inside
 * one directory. Checked twice: lexically (no absolute paths, no `..` climbing out),
 * then on the *real* path after every symlink is resolved, so a link inside the
 * directory that points outside it is refused as well.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep } from 'node:path';
import { fail, type HostOutcome } from './guest-bridge.js';

export type Confined = { ok: true; path: string } | { ok: false; outcome: HostOutcome };

function refuse(code: 'PATH_OUTSIDE' | 'NOT_FOUND' | 'BAD_ARGUMENT', message: string): Confined {
  return { ok: false, outcome: fail(code, message) };
}

export function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + sep);
}

/** Lexical check only: the path may not exist yet (scratch.write). */
export function lexicallyInside(rootReal: string, relative: string): Confined {
  if (relative.length === 0 || relative.includes('\0')) return refuse('BAD_ARGUMENT', 'the path must be a non-empty relative path');
  if (isAbsolute(relative) || relative.startsWith('\\')) return refuse('PATH_OUTSIDE', 'absolute paths are not allowed; use a path relative to the directory');
  const candidate = resolve(rootReal, relative);
  if (!isInside(rootReal, candidate)) return refuse('PATH_OUTSIDE', 'the path leaves the directory');
  return { ok: true, path: candidate };
}

/** The existing path's real location, refused if any symlink takes it outside `rootReal`. */
export function existingInside(rootReal: string, relative: string): Confined {
  const lexical = lexicallyInside(rootReal, relative);
  if (!lexical.ok) return lexical;
  let real: string;
  try {
    real = realpathSync(lexical.path);
  } catch {
    return refuse('NOT_FOUND', 'no such file or directory');
  }
  if (!isInside(rootReal, real)) return refuse('PATH_OUTSIDE', 'the path resolves (through a link) to outside the directory');
  return { ok: true, path: real };
}

/** realpath of a configured root, or undefined if it does not exist. */
export function realRoot(directory: string | undefined): string | undefined {
  if (directory === undefined) return undefined;
  try {
    return realpathSync(directory);
  } catch {
    return undefined;
  }
}
