/**
 * Reading and listing inside a confined directory; shared by `data` and `scratch`.
 * Files are opened with O_NOFOLLOW on their already-resolved real path, so a link
 * swapped in after the check is not followed, and their size is checked on the open
 * descriptor before anything is read.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { existingInside } from './confined-path.js';
import { fail, type HostOutcome } from './guest-bridge.js';

const MAX_LIST_ENTRIES = 10_000;

export function readConfinedFile(rootReal: string, relative: string, maxBytes: number): HostOutcome {
  const confined = existingInside(rootReal, relative);
  if (!confined.ok) return confined.outcome;
  let fd: number;
  try {
    fd = openSync(confined.path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return fail('NOT_FOUND', 'the file cannot be opened');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return fail('NOT_FOUND', 'not a regular file');
    if (stat.size > maxBytes) return fail('FILE_TOO_LARGE', `the file is ${stat.size} bytes; at most ${maxBytes} can be read`);
    const buffer = Buffer.alloc(stat.size);
    let offset = 0;
    while (offset < buffer.length) {
      const read = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return { ok: true, value: buffer.subarray(0, offset).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

/** Entry names of one directory, sorted; sub-directories end in "/". */
export function listConfinedDirectory(rootReal: string, relative: string): HostOutcome {
  const confined = existingInside(rootReal, relative);
  if (!confined.ok) return confined.outcome;
  let entries;
  try {
    entries = readdirSync(confined.path, { withFileTypes: true });
  } catch {
    return fail('NOT_FOUND', 'not a directory');
  }
  if (entries.length > MAX_LIST_ENTRIES) return fail('FILE_TOO_LARGE', `the directory has more than ${MAX_LIST_ENTRIES} entries`);
  const names = entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
  return { ok: true, value: names.sort() };
}
