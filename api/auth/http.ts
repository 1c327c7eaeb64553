import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../errors.js';
import type { Authenticator } from './authenticator.js';
import { can, type Permission, type Principal } from './roles.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every route that needs a key. */
    principal: Principal | null;
  }
}

/** `Authorization: Bearer <key>`, or `x-api-key: <key>` for clients that cannot set Authorization. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.trim() ? header.trim() : undefined;
}

/**
 * Requires a valid key on every route of `scope`. It runs on `onRequest`, before the body is read, so an unknown
 * caller costs one lookup and never a parse.
 */
export function requireApiKey(scope: FastifyInstance, authenticate: Authenticator): void {
  scope.addHook('onRequest', async (request) => {
    const key = presentedKey(request);
    const principal = key ? await authenticate(key) : undefined;
    if (!principal) throw unauthorized();
    request.principal = principal;
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/** The caller, if their role grants `permission`; 403 otherwise. */
export function authorize(request: FastifyRequest, permission: Permission): Principal {
  const principal = principalOf(request);
  if (!can(principal.role, permission)) throw forbidden(`role ${principal.role} may not ${permission}`);
  return principal;
}
