// Live notifications on the demo page: the websocket-notifier over Socket.IO, with the official
// client served from /vendor (never a CDN). Uses $, text, token, refresh and signOut of app.js.
'use strict';

let liveSocket = null;

// The notifier's address: ?notifier=<url> once (kept for the tab), else this host on port 9095.
function notifierUrl() {
  const given = new URLSearchParams(location.search).get('notifier');
  if (given) sessionStorage.setItem('notifier', given);
  return sessionStorage.getItem('notifier') || location.protocol + '//' + location.hostname + ':9095';
}

// Connects as the signed-in user. `since` is the last notification this browser saw, so a reload
// (or a return after being offline) replays what came meanwhile, oldest first, before live ones.
function startLive(userId) {
  stopLive();
  const lastSeen = 'lastMessageId:' + userId;
  const status = $('live-status');
  status.textContent = 'Connecting…';
  liveSocket = io(notifierUrl(), {
    auth: (cb) => cb({ token, since: localStorage.getItem(lastSeen) || undefined }),
  });
  liveSocket.on('connect', () => { status.textContent = 'Connected.'; });
  liveSocket.on('replay', (r) => {
    status.textContent = 'Connected; ' + r.count + ' missed notification(s) replayed.';
  });
  liveSocket.on('notification', (n, ack) => {
    const li = document.createElement('li');
    li.dataset.messageId = n.messageId;
    li.append(text('div', n.title || n.bizType, 'title'), text('div', n.content),
      text('div', n.createdAt + ' · ' + n.bizType + ' · acked', 'meta'));
    $('live-list').prepend(li);
    if (typeof ack === 'function') ack();
    localStorage.setItem(lastSeen, n.messageId);
    refresh().catch(() => {});
  });
  liveSocket.on('connect_error', (err) => {
    status.textContent = 'Not connected: ' + err.message;
    if (err.data && err.data.reason === 'expired') signOut();
  });
  liveSocket.on('token_expired', () => signOut());
}

function stopLive() {
  if (liveSocket) liveSocket.close();
  liveSocket = null;
  $('live-list').replaceChildren();
}
