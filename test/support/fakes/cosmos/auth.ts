import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Master-key authorization as the service checks it: `type=master&ver=1.0&sig=<base64 HMAC-SHA256>` (URL-encoded),
 * signed over `verb \n resourceType \n resourceLink \n x-ms-date \n \n` (verb, type and date lower-cased). The
 * resource link is the addressed resource for an item path (`dbs/d/colls/c/docs/id`) and the parent for a feed
 * (`dbs/d/colls/c` with type `docs`).
 */

/** The resource type and link a request path is signed with. */
export function signedResource(segments: readonly string[]): { type: string; link: string } {
  if (segments.length === 0) return { type: '', link: '' };
  if (segments.length % 2 === 1) return { type: segments[segments.length - 1] ?? '', link: segments.slice(0, -1).join('/') };
  return { type: segments[segments.length - 2] ?? '', link: segments.join('/') };
}

export function masterKeySignature(key: string, verb: string, resource: { type: string; link: string }, date: string): string {
  const text = `${verb.toLowerCase()}\n${resource.type.toLowerCase()}\n${resource.link}\n${date.toLowerCase()}\n\n`;
  return createHmac('sha256', Buffer.from(key, 'base64')).update(text).digest('base64');
}

/** Null when the request is signed with `key`, else why not. */
export function authorizationProblem(key: string, verb: string, segments: readonly string[], authorization: string | undefined, date: string | undefined): string | null {
  if (!authorization) return 'missing authorization header';
  if (!date) return 'missing x-ms-date header';
  // Split by hand: the signature is base64, whose '+' a form decoder would turn into a space.
  const token = new Map(decodeURIComponent(authorization).split('&').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  if (token.get('type') !== 'master' || token.get('ver') !== '1.0') return 'authorization must be a master key token (type=master&ver=1.0)';
  const sent = Buffer.from(token.get('sig') ?? '', 'base64');
  const expected = Buffer.from(masterKeySignature(key, verb, signedResource(segments), date), 'base64');
  return sent.length === expected.length && timingSafeEqual(sent, expected) ? null : 'the signature does not match the request';
}
