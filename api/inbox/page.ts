import type { FastifyInstance } from 'fastify';
import { INBOX_SCRIPT } from './script.js';

/**
 * The approvals inbox: a page the API serves without a key. The person pastes their API key once; the page keeps it
 * in sessionStorage (gone when the tab closes) and sends it as a header, never in a URL, so it reaches neither
 * history, logs nor referrers. The script is served from this origin and the CSP allows nothing else.
 */
export const INBOX_PATH = '/inbox';

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ANTS · approvals inbox</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1d2330; }
  header { background: #1d2330; color: #fff; padding: 12px 20px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0 auto 0 0; }
  header input { width: 340px; padding: 6px; }
  main { padding: 16px 20px; max-width: 1100px; }
  .request { background: #fff; border-radius: 6px; box-shadow: 0 1px 2px rgba(0,0,0,.12); padding: 12px 16px; margin-bottom: 12px; border-left: 6px solid #999; }
  .request[data-severity="critical"] { border-left-color: #b00020; }
  .request[data-severity="high"] { border-left-color: #e65100; }
  .request[data-severity="medium"] { border-left-color: #f9a825; }
  .request[data-severity="low"] { border-left-color: #2e7d32; }
  .meta { color: #5a6275; font-size: 12px; }
  h2 { font-size: 15px; margin: 4px 0; }
  ul { margin: 4px 0 8px 18px; padding: 0; }
  table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
  td, th { border: 1px solid #dde; padding: 3px 8px; text-align: left; vertical-align: top; }
  textarea { width: 100%; box-sizing: border-box; min-height: 44px; }
  button { padding: 6px 14px; margin: 6px 8px 0 0; cursor: pointer; }
  button.approve { background: #2e7d32; color: #fff; border: 0; border-radius: 4px; }
  button.reject { background: #b00020; color: #fff; border: 0; border-radius: 4px; }
  #status { color: #c9d1e3; font-size: 12px; }
  .empty { color: #5a6275; }
  .error { color: #b00020; }
</style>
</head>
<body>
<header>
  <h1>Approvals inbox</h1>
  <form id="key-form" autocomplete="off">
    <input id="api-key" type="password" placeholder="Paste your API key (kept in this tab only)" aria-label="API key">
    <button type="submit">Use key</button>
    <button type="button" id="forget">Forget key</button>
  </form>
  <span id="status" role="status">no key yet</span>
</header>
<main>
  <p id="message" class="empty">Paste an approver key to see the requests waiting for you.</p>
  <div id="requests" aria-live="polite"></div>
</main>
<script src="${INBOX_PATH}/app.js"></script>
</body>
</html>`;

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export function registerInboxPage(app: FastifyInstance): void {
  app.get(INBOX_PATH, async (_request, reply) => reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(HTML));
  app.get(`${INBOX_PATH}/app.js`, async (_request, reply) => reply.headers(SECURITY_HEADERS).type('text/javascript; charset=utf-8').send(INBOX_SCRIPT));
}
