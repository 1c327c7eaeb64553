import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../infra/db/pool.js';
import type { HealthResponse } from '../schemas.js';
import { ROUTES } from './catalog.js';

/** A dependency that does not answer within this long counts as down: a health probe must answer quickly. */
const CHECK_DEADLINE_MS = 2_000;

async function answersInTime(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_DEADLINE_MS);
  });
  try {
    return await Promise.race([check().then(() => true as const), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealthRoute(app: FastifyInstance, { temporal, db }: { temporal: Client; db: Db }): void {
  const route = ROUTES.health;
  app.route({
    method: route.method,
    url: route.url,
    handler: async (_request, reply) => {
      const [temporalUp, databaseUp] = await Promise.all([
        answersInTime(() => temporal.withDeadline(Date.now() + CHECK_DEADLINE_MS, () => temporal.workflowService.getSystemInfo({}))),
        answersInTime(() => db.query('select 1')),
      ]);
      const body: HealthResponse = { ok: temporalUp && databaseUp, temporal: temporalUp, database: databaseUp };
      return reply.code(body.ok ? 200 : 503).send(body);
    },
  });
}
