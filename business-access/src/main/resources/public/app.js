// The demo page: plain JavaScript against the access server's own API, nothing from a CDN.
'use strict';

const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('token');
let poller = null;

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (token) headers['Authorization'] = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = res.headers.get('Content-Type')?.startsWith('application/json') ? await res.json() : null;
  if (res.status === 401 && path !== '/api/sessions') signOut();
  if (!res.ok) throw Object.assign(new Error(describe(json) || res.statusText), { status: res.status, json });
  return json;
}

// "amount must not exceed your balance of 30.00 CNY" from the error body's violations.
function describe(error) {
  if (!error || !error.violations) return null;
  return error.violations.map((v) => (v.field.startsWith('(') ? '' : v.field + ' ') + v.rule).join('; ');
}

// Amounts arrive as JSON numbers (exact decimals on the server); show them with two decimals.
function money(n) {
  return Number(n).toFixed(2);
}

function text(tag, value, cls) {
  const el = document.createElement(tag);
  el.textContent = value == null ? '' : String(value);
  if (cls) el.className = cls;
  return el;
}

async function showApp() {
  const me = await api('GET', '/api/me');
  $('who-name').textContent = me.displayName + ' (' + me.username + ')';
  $('who').hidden = false;
  $('sign-in-panel').hidden = true;
  $('app').hidden = false;
  startLive(me.userId);
  await refresh();
  clearInterval(poller);
  poller = setInterval(() => refresh().catch(() => {}), 3000);
}

async function refresh() {
  const [balance, unread, page] = await Promise.all([
    api('GET', '/api/payment/balance'),
    api('GET', '/api/me/unread-count'),
    api('GET', '/api/me/inbox?limit=30'),
  ]);
  $('balance').textContent = money(balance.balance);
  $('unread').textContent = unread.unread;
  renderInbox(page.items);
}

function renderInbox(items) {
  const list = $('inbox');
  list.replaceChildren();
  if (items.length === 0) list.append(text('li', 'No messages yet.', 'hint'));
  for (const m of items) {
    const li = document.createElement('li');
    const read = (m.deliveries || []).some((d) => d.status === 'READ');
    if (!read) li.classList.add('unread');
    const left = document.createElement('div');
    left.append(text('div', m.title || m.bizType, 'title'), text('div', m.content),
      text('div', m.createdAt + ' · ' + m.bizType, 'meta'));
    const right = document.createElement('div');
    const timeline = text('button', 'Timeline');
    timeline.type = 'button';
    timeline.onclick = () => showTimeline(m.messageId);
    right.append(text('span', m.status, 'status'), ' ', timeline);
    if (!read) {
      const mark = text('button', 'Mark read');
      mark.type = 'button';
      mark.onclick = async () => { await api('POST', '/api/me/read', { messageIds: [m.messageId] }); await refresh(); };
      right.append(' ', mark);
    }
    li.append(left, right);
    list.append(li);
  }
}

async function showTimeline(messageId) {
  const m = await api('GET', '/api/messages/' + encodeURIComponent(messageId));
  const box = $('timeline');
  box.replaceChildren(text('p', m.title + ' — ' + m.status + ' (trace ' + m.traceId + ')'));
  const table = document.createElement('table');
  const head = document.createElement('tr');
  for (const h of ['channel', 'address', 'status', 'attempt', 'started', 'finished', 'outcome', 'error']) head.append(text('th', h));
  table.append(head);
  for (const d of m.deliveries || []) {
    const rows = d.history && d.history.length ? d.history : [{}];
    for (const a of rows) {
      const tr = document.createElement('tr');
      for (const v of [d.channel, d.address, d.status, a.attempt, a.startedAt, a.finishedAt,
        (a.outcome || '') + (a.manual ? ' (manual)' : ''), a.error || d.lastError]) tr.append(text('td', v));
      table.append(tr);
    }
    const times = [['sent', d.sentAt], ['acked', d.ackedAt], ['read', d.readAt]].filter((t) => t[1]);
    if (times.length) {
      const tr = document.createElement('tr');
      const td = text('td', times.map((t) => t[0] + ' ' + t[1]).join(' · '), 'hint');
      td.colSpan = 8;
      tr.append(td);
      table.append(tr);
    }
  }
  box.append(table);
  $('timeline-panel').hidden = false;
}

function signOut() {
  token = null;
  sessionStorage.removeItem('token');
  clearInterval(poller);
  stopLive();
  $('who').hidden = true;
  $('app').hidden = true;
  $('sign-in-panel').hidden = false;
}

$('sign-in').onsubmit = async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  $('sign-in-error').textContent = '';
  try {
    const s = await api('POST', '/api/sessions', { username: f.get('username'), password: f.get('password') });
    token = s.token;
    sessionStorage.setItem('token', token);
    await showApp();
  } catch (err) {
    $('sign-in-error').textContent = err.message;
  }
};

$('transfer').onsubmit = async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const out = $('transfer-result');
  const body = { to: f.get('to'), amount: f.get('amount') };
  if (f.get('note')) body.note = f.get('note');
  try {
    const r = await api('POST', '/api/payment/transfer', body);
    out.className = 'ok';
    out.textContent = 'Sent ' + money(r.transfer.amount) + ' CNY to ' + body.to + '; balance ' + money(r.balance) + ' CNY.';
    e.target.reset();
    setTimeout(() => refresh().catch(() => {}), 500);
  } catch (err) {
    out.className = 'error';
    out.textContent = err.message;
  }
};

$('refresh').onclick = () => refresh();
$('sign-out').onclick = signOut;

if (token) showApp().catch(signOut);
