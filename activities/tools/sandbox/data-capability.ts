/**
 * `data` (MODERATE and up): read-only access to the operator's data directory.
 *
 * The directory's real path is fixed when the context is built; every guest path is
 * confined to it (confined-path.ts). With no data directory configured the object
 * still exists, so tools see the same API at a level, and every call is NOT_FOUND.
 */
import type { HostCapability } from './capability-target.js';
import { realRoot } from './confined-path.js';
import { listConfinedDirectory, readConfinedFile } from './file-reading.js';
import { fail, installHostObject } from './guest-bridge.js';

const MAX_PATH_CHARS = 4096;

export const dataDirectory: HostCapability = {
  name: 'data',
  install(target) {
    const root = realRoot(target.grants.dataDir);
    const { maxFileBytes } = target.grants;
    const unavailable = fail('NOT_FOUND', 'no data directory is configured for tools');
    installHostObject(
      target,
      'data',
      {
        read: ([path]) => {
          if (root === undefined) return unavailable;
          if (path === undefined) return fail('BAD_ARGUMENT', 'data.read(path) needs a relative path');
          return readConfinedFile(root, path, maxFileBytes);
        },
        list: ([directory]) => (root === undefined ? unavailable : listConfinedDirectory(root, directory ?? '.')),
      },
      MAX_PATH_CHARS,
    );
  },
};
