// The dashboard's entry: reads the session, then shows the page the URL's hash names (#/campaigns, ...).
import { call, session, canEdit, ApiError } from './api.js';
import { attempt, clearError, h, page, showError } from './ui.js';
import { campaignsPage } from './campaigns.js';
import { newCampaignPage } from './new_campaign.js';
import { campaignPage } from './campaign.js';
import { suppressionsPage } from './suppressions.js';

const routes = [
  [/^#\/campaigns\/new$/, () => newCampaignPage()],
  [/^#\/campaigns\/(\d+)$/, (m) => campaignPage(Number(m[1]))],
  [/^#\/campaigns(\?.*)?$/, () => campaignsPage()],
  [/^#\/suppressions$/, () => suppressionsPage()],
];

let stopPage = null;  // what the current page must stop (pollers) when another is shown
let navigation = 0;  // counts route() calls, so that a page finishing after a newer one stops at once

// Shows `hash`: a new hash shows it through hashchange, the current one is shown again.
function go(hash) {
  if (location.hash === hash) return route();
  location.hash = hash;
  return undefined;
}

function showNav() {
  const nav = document.getElementById('nav');
  nav.hidden = !session.email;
  document.getElementById('who').textContent = session.email ? `${session.email} (${session.role})` : '';
  for (const el of nav.querySelectorAll('[data-role=editor]')) el.hidden = !canEdit();
}

function loginPage() {
  const email = h('input', { id: 'email', type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', type: 'password', name: 'password',
                                autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'stack panel', onsubmit: (e) => {
    e.preventDefault();
    attempt(async () => {
      Object.assign(session, await call('POST', '/session', { email: email.value, password: password.value }));
      session.csrf = session.csrf_token;
      showNav();
      await go('#/campaigns');
    });
  } }, h('label', { for: 'email', text: 'Email' }), email, h('label', { for: 'password', text: 'Password' }),
    password, h('div', { class: 'actions' }, h('button', { type: 'submit', text: 'Log in' })));
  page('Log in', form);
  email.focus();
}

async function route() {
  if (stopPage) stopPage();
  stopPage = null;
  clearError();
  if (!session.email) return loginPage();
  const hash = !location.hash || location.hash === '#/login' ? '#/campaigns' : location.hash;
  const mine = ++navigation;
  for (const [pattern, show] of routes) {
    const m = hash.match(pattern);
    if (m) {
      const stop = (await show(m)) || null;
      if (mine !== navigation) {
        if (stop) stop();
        return;
      }
      stopPage = stop;
      document.getElementById('main').focus();
      return;
    }
  }
  page('Not found', h('p', { text: 'No page at ' + hash }));
}

async function logout() {
  await attempt(async () => {
    await call('DELETE', '/session');
    Object.assign(session, { email: null, role: null, csrf: null });
    showNav();
    await go('#/login');
  });
}

function sessionEnded() {
  if (!session.email) return;
  if (stopPage) stopPage();
  stopPage = null;
  Object.assign(session, { email: null, role: null, csrf: null });
  showNav();
  loginPage();
  showError(new ApiError(401, 'unauthorized', 'your session has ended: log in again'));
}

async function start() {
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('bulkmsg:session-ended', sessionEnded);
  try {
    const s = await call('GET', '/session');
    Object.assign(session, s, { csrf: s.csrf_token });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) showError(err);
  }
  showNav();
  window.addEventListener('hashchange', route);
  await route();
}

start();
