/**
 * `scratch` (PERMISSIVE): a read-write directory private to this one call.
 *
 * The host creates the directory before the call and deletes it afterwards, even if
 * the thread was killed (scratch-dirs.ts); here we only confine paths to it and keep
 * the quota. The directory starts empty and nothing but this call writes to it, so
 * the byte and file counts kept here are exact. The guest cannot create links, so
 * the lexical check plus realpath of the parent is enough to stay inside.
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, readdirSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, relative as relativePath, sep } from 'node:path';
import type { HostCapability } from './capability-target.js';
import { isInside, lexicallyInside, realRoot } from './confined-path.js';
import { readConfinedFile } from './file-reading.js';
import { fail, installHostObject, type HostOutcome } from './guest-bridge.js';

const MAX_FILES = 1000;
const MAX_DEPTH = 16;

export const scratchDirectory: HostCapability = {
  name: 'scratch',
  install(target) {
    const root = realRoot(target.grants.scratchDir);
    const { maxFileBytes, scratchQuotaBytes } = target.grants;
    const sizes = new Map<string, number>();
    let used = 0;
    const unavailable = fail('NOT_FOUND', 'this call has no scratch directory');

    const write = (path: string | undefined, text: string | undefined): HostOutcome => {
      if (root === undefined) return unavailable;
      if (path === undefined || text === undefined) return fail('BAD_ARGUMENT', 'scratch.write(path, text) needs a relative path and a string');
      const confined = lexicallyInside(root, path);
      if (!confined.ok) return confined.outcome;
      if (confined.path === root) return fail('BAD_ARGUMENT', 'the path must name a file');
      if (relativePath(root, confined.path).split(sep).length > MAX_DEPTH) return fail('BAD_ARGUMENT', `paths may be at most ${MAX_DEPTH} levels deep`);
      const bytes = Buffer.byteLength(text, 'utf8');
      const previous = sizes.get(confined.path) ?? 0;
      if (used - previous + bytes > scratchQuotaBytes) return fail('QUOTA_EXCEEDED', `the scratch quota of ${scratchQuotaBytes} bytes would be exceeded`);
      if (!sizes.has(confined.path) && sizes.size >= MAX_FILES) return fail('QUOTA_EXCEEDED', `at most ${MAX_FILES} scratch files`);
      try {
        mkdirSync(dirname(confined.path), { recursive: true });
        if (!isInside(root, realpathSync(dirname(confined.path)))) return fail('PATH_OUTSIDE', 'the path leaves the scratch directory');
        const fd = openSync(confined.path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
        try {
          writeSync(fd, text, null, 'utf8');
        } finally {
          closeSync(fd);
        }
      } catch {
        return fail('NOT_FOUND', 'the file could not be written (is a directory in the way?)');
      }
      sizes.set(confined.path, bytes);
      used += bytes - previous;
      return { ok: true, value: bytes };
    };

    const remove = (path: string | undefined): HostOutcome => {
      if (root === undefined) return unavailable;
      if (path === undefined) return fail('BAD_ARGUMENT', 'scratch.remove(path) needs a relative path');
      const confined = lexicallyInside(root, path);
      if (!confined.ok) return confined.outcome;
      const size = sizes.get(confined.path);
      if (size === undefined) return fail('NOT_FOUND', 'no such scratch file');
      try {
        unlinkSync(confined.path);
      } catch {
        return fail('NOT_FOUND', 'no such scratch file');
      }
      sizes.delete(confined.path);
      used -= size;
      return { ok: true, value: true };
    };

    installHostObject(
      target,
      'scratch',
      {
        write: ([path, text]) => write(path, text),
        read: ([path]) => {
          if (root === undefined) return unavailable;
          if (path === undefined) return fail('BAD_ARGUMENT', 'scratch.read(path) needs a relative path');
          return readConfinedFile(root, path, maxFileBytes);
        },
        list: () => (root === undefined ? unavailable : { ok: true, value: listFiles(root) }),
        remove: ([path]) => remove(path),
      },
      // A write's text may be as large as the whole quota.
      Math.max(scratchQuotaBytes, 4096),
    );
  },
};

/** Every file under the scratch directory, as sorted "/"-separated relative paths. */
function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (directory: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) walk(full, depth + 1);
      else if (lstatSync(full).isFile()) files.push(relativePath(root, full).split(sep).join('/'));
    }
  };
  walk(root, 0);
  return files.sort();
}
