/**
 * The inbox page's script (plain browser JavaScript, no build step). Every value from the API is written with
 * textContent, never as HTML, so a request's text cannot run in the approver's browser.
 */
export const INBOX_SCRIPT = String.raw`'use strict';
const KEY = 'ants.apiKey';
const REFRESH_MS = 3000;
const $ = (id) => document.getElementById(id);
const drafts = new Map();
let timer;

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('data-')) node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

async function api(method, path, body) {
  const key = sessionStorage.getItem(KEY);
  if (!key) throw new Error('no API key');
  const response = await fetch(path, {
    method,
    headers: Object.assign({ authorization: 'Bearer ' + key }, body ? { 'content-type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = response.status === 204 ? {} : await response.json();
  if (!response.ok) throw new Error((answer.error && answer.error.message) || response.statusText);
  return answer;
}

function votesTable(votes) {
  if (!Array.isArray(votes) || votes.length === 0) return null;
  const table = el('table', { className: 'votes' }, el('tr', {}, el('th', { text: 'voter' }), el('th', { text: 'choice' }), el('th', { text: 'confidence' }), el('th', { text: 'rationale' })));
  for (const v of votes) table.append(el('tr', {}, el('td', { text: String(v.voter) }), el('td', { text: String(v.choice) }), el('td', { text: Number(v.confidence).toFixed(2) }), el('td', { text: String(v.rationale || '') })));
  return table;
}

function effectsList(effects) {
  if (!Array.isArray(effects) || effects.length === 0) return null;
  const list = el('ul', { className: 'effects' });
  for (const e of effects) list.append(el('li', { text: e.kind + ' · ' + e.key + ' · ' + JSON.stringify(e.payload) }));
  return list;
}

function card(request) {
  const details = request.context.details || {};
  const comment = el('textarea', { placeholder: 'Comment (optional)', value: drafts.get(request.id) || '' });
  comment.setAttribute('aria-label', 'Comment on ' + request.id);
  comment.addEventListener('input', () => drafts.set(request.id, comment.value));
  const result = el('div', { className: 'result' });
  const decide = (decision, option) => async () => {
    result.textContent = 'sending…';
    try {
      const body = Object.assign({ decision }, comment.value ? { comment: comment.value } : {}, option ? { option } : {});
      const record = await api('POST', '/v1/approvals/' + encodeURIComponent(request.id) + '/decision', body);
      drafts.delete(request.id);
      result.textContent = (record.decision === 'approve' ? 'Approved' : 'Rejected') + (record.option ? ' (' + record.option + ')' : '') + ' by ' + record.approverId;
      setTimeout(refresh, 300);
    } catch (error) {
      result.className = 'result error';
      result.textContent = error.message;
    }
  };
  const reasons = el('ul', { className: 'reasons' });
  for (const reason of request.context.reasons) reasons.append(el('li', { text: reason }));
  return el(
    'section',
    { className: 'request', 'data-severity': request.severity, 'data-id': request.id },
    el('div', { className: 'meta', text: request.severity.toUpperCase() + ' · waiting ' + Math.round(request.ageSeconds / 60) + ' min · tier ' + request.tierName + (request.tierGroup ? ' (' + request.tierGroup + ')' : '') + ' · until ' + new Date(request.deadline).toLocaleString() + ' · asked by ' + request.requestedBy }),
    el('h2', { text: request.title }),
    el('p', { className: 'summary', text: request.context.summary }),
    reasons,
    votesTable(details.votes),
    effectsList(details.effects),
    comment,
    ...approveButtons(request, decide),
    el('button', { className: 'reject', type: 'button', text: 'Reject', onclick: decide('reject') }),
    result,
  );
}

// A request with options (an escalated consensus round): one button per option, the proposed one first.
function approveButtons(request, decide) {
  const options = Array.isArray(request.context.details && request.context.details.options) ? request.context.details.options : [];
  if (request.subject.kind !== 'consensus' || options.length === 0) return [el('button', { className: 'approve', type: 'button', text: 'Approve', onclick: decide('approve') })];
  const proposed = request.proposal && request.proposal.option;
  const ordered = options.slice().sort((a, b) => (b.id === proposed) - (a.id === proposed));
  return ordered.map((o) =>
    el('button', { className: 'approve', type: 'button', 'data-option': String(o.id), text: (o.id === proposed ? 'Approve: ' : 'Choose: ') + String(o.label || o.id), onclick: decide('approve', String(o.id)) }),
  );
}

async function refresh() {
  clearTimeout(timer);
  if (!sessionStorage.getItem(KEY)) return;
  try {
    const { approvals } = await api('GET', '/v1/approvals?status=pending');
    const list = $('requests');
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('.request');
    // Keep a card the person is typing in; redraw the rest.
    if (!focused) list.replaceChildren(...approvals.map(card));
    $('message').textContent = approvals.length === 0 ? 'Nothing is waiting for a decision.' : '';
    $('status').textContent = approvals.length + ' pending · updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    $('status').textContent = 'error: ' + error.message;
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  if (!key) return;
  sessionStorage.setItem(KEY, key);
  $('api-key').value = '';
  refresh();
});
$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  $('requests').replaceChildren();
  $('status').textContent = 'no key';
});
refresh();
`;
