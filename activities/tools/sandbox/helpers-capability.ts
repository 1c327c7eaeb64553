/**
 * Small pure helpers for MODERATE and up: hashing and base64 that tools would
 * otherwise re-implement slowly in JavaScript. They touch nothing outside the call.
 *
 *   crypto.sha256(text) -> hex            (UTF-8 of text)
 *   crypto.hmacSha256(key, text) -> hex   (UTF-8 of both)
 *   crypto.randomUUID() -> string
 *   base64.encode(text) -> base64 of its UTF-8
 *   base64.decode(base64) -> text         (BAD_ARGUMENT if not base64)
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { HostCapability } from './capability-target.js';
import { fail, installHostObject } from './guest-bridge.js';

const MAX_INPUT_CHARS = 16 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

export const cryptoHelpers: HostCapability = {
  name: 'crypto',
  install(target) {
    installHostObject(
      target,
      'crypto',
      {
        sha256: ([text]) => (text === undefined ? fail('BAD_ARGUMENT', 'crypto.sha256(text) needs a string') : { ok: true, value: createHash('sha256').update(text, 'utf8').digest('hex') }),
        hmacSha256: ([key, text]) =>
          key === undefined || text === undefined
            ? fail('BAD_ARGUMENT', 'crypto.hmacSha256(key, text) needs two strings')
            : { ok: true, value: createHmac('sha256', key).update(text, 'utf8').digest('hex') },
        randomUUID: () => ({ ok: true, value: randomUUID() }),
      },
      MAX_INPUT_CHARS,
    );
  },
};

export const base64Helpers: HostCapability = {
  name: 'base64',
  install(target) {
    installHostObject(
      target,
      'base64',
      {
        encode: ([text]) => (text === undefined ? fail('BAD_ARGUMENT', 'base64.encode(text) needs a string') : { ok: true, value: Buffer.from(text, 'utf8').toString('base64') }),
        decode: ([text]) => {
          if (text === undefined || !BASE64.test(text.replace(/\s+/g, ''))) return fail('BAD_ARGUMENT', 'base64.decode(text) needs base64 text');
          return { ok: true, value: Buffer.from(text, 'base64').toString('utf8') };
        },
      },
      MAX_INPUT_CHARS,
    );
  },
};
