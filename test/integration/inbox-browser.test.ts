import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createTenant } from '../../api/auth/keys.js';
import { buildApi } from '../../api/server.js';
import type { Db } from '../../infra/db/pool.js';
import { freshTenant, startLocalTemporal, testDb } from '../support/stack.js';
import { reconciliationInput } from '../support/tasks.js';
import { startInProcessPools, type InProcessPools } from '../support/workers.js';

/** Debian's chromium, installed by `npm run bootstrap` (apt) — never a browser downloaded from elsewhere. */
const CHROMIUM = '/usr/bin/chromium';

let env: TestWorkflowEnvironment;
let db: Db;
let pools: InProcessPools;
let app: FastifyInstance;
let apiUrl: string;
let browser: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run npm run bootstrap as root, or apt-get install -y chromium`);
  env = await startLocalTemporal();
  db = testDb();
  pools = await startInProcessPools(env.nativeConnection, env.namespace ?? 'default', db);
  app = buildApi({ db, temporal: env.client, logLevel: 'silent' });
  apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  profileDir = mkdtempSync(join(tmpdir(), 'ants-inbox-browser-'));
  // A fresh profile directory (Playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await pools?.shutdown();
  await env?.teardown();
  await db?.end();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe('the approvals inbox page, in a real browser', () => {
  it('shows a waiting task with its context, and a click on Approve completes the task', async () => {
    const tenant = freshTenant('page');
    await createTenant(db, tenant, 'Inbox page');
    const operator = (await createApiKey(db, { tenant, name: 'olivia', role: 'operator' })).key;
    const approver = (await createApiKey(db, { tenant, name: 'alice', role: 'approver' })).key;
    const submitted = await fetch(`${apiUrl}/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ taskId: 'page-1', agentType: 'finance.reconciliation', taskType: 'reconcile_payments', input: reconciliationInput(0.5) }),
    });
    expect(submitted.status).toBe(202);

    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${apiUrl}/inbox`);
    await page.fill('#api-key', approver);
    await page.click('button[type="submit"]');
    // Live refresh: the request shows up once the task reaches its approval, without reloading the page.
    const card = page.locator('section.request[data-id="task.page-1"]');
    await card.waitFor({ timeout: 60_000 });
    await expect.poll(() => card.locator('.summary').textContent()).toMatch(/proposes 3 effect\(s\)/);
    expect(await card.locator('.reasons li').allTextContents()).toContain('no similar past episode to learn from');
    expect(await card.locator('.effects li').count()).toBe(3);
    // The key lives in the tab's sessionStorage (evaluated in the page, where that global exists).
    expect(await page.evaluate('sessionStorage.getItem("ants.apiKey")')).toBe(approver);

    await card.locator('textarea').fill('fees, fine');
    await card.locator('button.approve').click();
    await expect.poll(() => card.locator('.result').textContent().catch(() => 'gone'), { timeout: 10_000 }).toMatch(/Approved by alice|gone/);

    const deadline = Date.now() + 60_000;
    let status = '';
    let body: { status: string; result?: { approval?: { approverId: string; comment?: string; via: string } } } = { status: '' };
    while (Date.now() < deadline && status !== 'COMPLETED') {
      body = (await (await fetch(`${apiUrl}/v1/tasks/page-1`, { headers: { authorization: `Bearer ${operator}` } })).json()) as typeof body;
      status = body.status;
      if (status !== 'COMPLETED') await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe('COMPLETED');
    expect(body.result?.approval).toMatchObject({ approverId: 'alice', comment: 'fees, fine', via: 'update' });
    await expect.poll(() => page.locator('#message').textContent(), { timeout: 10_000 }).toBe('Nothing is waiting for a decision.');
    // The key travelled only in a header: no URL the page asked for carries it.
    expect(requested.some((url) => url.includes(approver) || url.includes(encodeURIComponent(approver)))).toBe(false);
    await page.close();
  });
});
