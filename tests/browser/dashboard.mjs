// The dashboard in a real browser (Debian's /usr/bin/chromium driven by playwright-core, no browser download):
// every step checks what the page shows against the API's own answer (asked with the API key), saves a screenshot
// and runs axe-core. Fails on any JavaScript error or console error other than Chromium's own line for a request
// the page answered with a visible error, and on any serious or critical axe violation.
// Started by dashboard_test.py with BASE_URL, API_KEY, the users' logins, the campaign ids and SCREENSHOT_DIR.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(root, 'tools', 'npm', 'package.json'));
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const env = process.env;
const base = env.BASE_URL;
const problems = [];
const started = Date.now();
// Chromium logs each 4xx answer as a console error; the pages show those, so they are not JavaScript errors.
const answeredRequest = /^Failed to load resource: the server responded with a status of 4\d\d/;

function log(step) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${step}`);
}

async function api(method, route, body) {
  const response = await fetch(base + '/api/v1' + route, {
    method, headers: { Authorization: `Bearer ${env.API_KEY}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body) });
  return response.status === 204 ? null : response.json();
}

async function newPage(browser, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`JavaScript error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !answeredRequest.test(m.text())) problems.push(`console error: ${m.text()}`);
  });
  page.on('dialog', (d) => d.accept());
  return page;
}

// A screenshot of the page and no serious or critical axe-core violation on it.
async function check(page, name) {
  await page.screenshot({ path: path.join(env.SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  assert.deepEqual(violations, [], `axe-core on ${name}`);
}

const text = (page, selector) => page.locator(selector).innerText();

async function logIn(page, email, password) {
  await page.goto(base + '/');
  await page.locator('#email').waitFor();
  // By keyboard: the login form takes focus, Tab moves to the password, Enter submits.
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Campaigns' }).waitFor();
  await page.locator('#campaign-list table, #campaign-list p').first().waitFor();
}

// Calls `probe` until it returns without throwing (an assertion), for at most `seconds`.
async function eventually(probe, seconds = 10) {
  for (const deadline = Date.now() + seconds * 1000; ;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

// A failed request shows the API's own error: here the answer to a wrong password.
async function wrongPassword(page) {
  await page.fill('#email', env.ADMIN_EMAIL);
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  await page.locator('#error').waitFor();
  const answer = await (await fetch(base + '/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: env.ADMIN_EMAIL, password: 'not-the-password' }) })).json();
  assert.equal(await text(page, '#error'), `Error 401 (${answer.error.code}): ${answer.error.message}`);
  await check(page, 'login-error');
  log('a wrong password shows the API\'s 401 message');
}

// The names and statuses the list shows equal one page of GET /campaigns.
async function listShows(page, route) {
  const listed = await api('GET', route);
  const names = await page.locator('#campaign-list tbody tr td:first-child').allInnerTexts();
  assert.deepEqual(names, listed.items.map((c) => c.name));
  const statuses = await page.locator('#campaign-list [data-status]').allInnerTexts();
  assert.deepEqual(statuses, listed.items.map((c) => c.status));
  return listed;
}

async function campaignsList(page) {
  await check(page, 'campaigns');
  // The page refreshes every 5 s, so a status the API changed meanwhile shows up there too.
  const first = await eventually(() => listShows(page, '/campaigns?limit=20'));
  assert.ok(first.next_cursor, 'more than one page of campaigns');
  await page.click('text=Next page');
  await eventually(() => listShows(page, `/campaigns?limit=20&cursor=${first.next_cursor}`));
  await page.click('text=Previous page');
  await page.selectOption('#status-filter', 'draft');
  const drafts = await eventually(() => listShows(page, '/campaigns?status=draft&limit=20'));
  assert.equal(drafts.items.length, 19);
  await page.selectOption('#status-filter', '');
  await eventually(() => listShows(page, '/campaigns?limit=20'));
  log('campaigns list pages and status filter match GET /campaigns');
}

const template = { subject: 'Hello {{first_name}}', text: 'Hi {{first_name}}, see you' };

async function newCampaign(page) {
  await page.click('text=New campaign');
  // An SMS preview with its quiet hours first, as POST /templates/preview renders them.
  await page.selectOption('#kind', 'sms');
  await page.fill('#text', 'Hi {{first_name}}');
  await page.fill('#quiet-start', '09:00');
  await page.fill('#quiet-end', '20:00');
  const sms = await api('POST', '/templates/preview', { kind: 'sms', template: { text: 'Hi {{first_name}}' },
    quiet_hours: { start: '09:00', end: '20:00' }, sample: { user_ref: '+14155550100', metadata: { first_name: 'Ana' } } });
  await page.locator('[data-field=quiet_hours]', { hasText: '09:00' }).waitFor();
  assert.equal(await text(page, '[data-field=body]'), sms.payload.body);
  await page.selectOption('#kind', 'email');
  assert.equal(await page.locator('#quiet-start').isVisible(), false);
  await page.fill('#name', 'Browser email');
  await page.fill('#subject', template.subject);
  await page.fill('#text', template.text);
  const expected = await api('POST', '/templates/preview', { kind: 'email', template,
    sample: { user_ref: 'ana@example.com', metadata: { first_name: 'Ana' } } });
  await page.locator('[data-field=subject]', { hasText: expected.payload.subject }).waitFor();
  assert.equal(await text(page, '[data-field=text]'), expected.payload.text);
  // A template that does not parse: the preview shows the API's message with the position.
  await page.fill('#text', 'Hi {{#offer}}');
  const broken = await api('POST', '/templates/preview', { kind: 'email', template: { ...template, text: 'Hi {{#offer}}' },
    sample: { user_ref: 'ana@example.com' } });
  const detail = broken.error.details.find((d) => d.field === 'template.text');
  await page.locator('#preview li', { hasText: `line ${detail.line}, column ${detail.column}` }).waitFor();
  await page.fill('#text', template.text + '!');
  await page.locator('[data-field=text]', { hasText: 'Hi Ana, see you!' }).waitFor();
  await check(page, 'new-campaign');
  await page.click('#create');
  await page.waitForURL(/#\/campaigns\/\d+$/);
  const id = Number(page.url().split('/').pop());
  const created = await api('GET', `/campaigns/${id}`);
  assert.equal(created.name, 'Browser email');
  assert.equal(created.template.text, template.text + '!');
  await page.locator('#campaign-status', { hasText: created.status }).waitFor();
  log(`campaign ${id} created, preview matched POST /templates/preview`);
  return id;
}

async function uploadRecipients(page, id) {
  const rows = ['user_ref,first_name'];
  for (let i = 0; i < 5000; i++) rows.push(i % 500 === 7 ? `not-an-address-${i},Bad` : `user${i}@example.com,User ${i}`);
  const file = path.join(env.WORK_DIR, 'recipients.csv');
  fs.writeFileSync(file, rows.join('\n') + '\n');
  await page.setInputFiles('#recipients-file', file);
  await page.click('text=Upload recipients');
  await page.locator('#upload-report').waitFor();
  // The API's own account of the upload: its audit event and the campaign's target count.
  const events = await api('GET', `/campaigns/${id}/events`);
  const report = events.items.find((e) => e.event === 'targets_added').details;
  assert.equal(report.rejected, 10);
  await page.locator('[data-list*="/events"] td', { hasText: 'targets_added' }).waitFor();
  assert.equal(await page.getAttribute('[data-accepted]', 'data-accepted'), String(report.accepted));
  assert.equal(await page.getAttribute('[data-rejected]', 'data-rejected'), String(report.rejected));
  const fields = await page.locator('#upload-report tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(fields, Array(10).fill('user_ref'));
  assert.equal(await page.locator('#upload-progress').evaluate((el) => el.value), 100);
  assert.equal((await api('GET', `/campaigns/${id}/progress`)).targets, report.accepted);
  await check(page, 'campaign-upload-report');
  log(`uploaded 5,000 rows: ${report.accepted} accepted, ${report.rejected} rejected, as the page shows`);
  return report.accepted;
}

async function prepareAndWatch(page, id, accepted) {
  await page.click('#prepare');
  await page.locator('#progress-text[data-percent="100"]').waitFor({ timeout: 180000 });
  const progress = await api('GET', `/campaigns/${id}/progress`);
  assert.equal(progress.percent_done, 100);
  assert.equal(progress.counts.sent, accepted);
  await page.locator('#campaign-status', { hasText: 'completed' }).waitFor({ timeout: 30000 });
  assert.equal((await api('GET', `/campaigns/${id}`)).status, 'completed');
  assert.equal(await text(page, '[data-count=sent]'), accepted.toLocaleString('en'));
  assert.ok(await page.locator('.chart canvas').count() > 0, 'the rate chart is drawn');
  await check(page, 'campaign-completed');
  log(`campaign ${id} reached 100 % through the simulator: ${progress.counts.sent} sent`);
}

async function statusAfter(page, id, button, status) {
  await page.click(button);
  await page.locator('#campaign-status', { hasText: status }).waitFor();
  assert.equal((await api('GET', `/campaigns/${id}`)).status, status);
}

async function pauseResumeCancel(page) {
  const pause = Number(env.PAUSE_CAMPAIGN);
  await page.goto(`${base}/#/campaigns/${pause}`);
  await page.locator('#campaign-status', { hasText: 'running' }).waitFor({ timeout: 30000 });
  await statusAfter(page, pause, '#pause', 'paused');
  await check(page, 'campaign-paused');
  await statusAfter(page, pause, '#resume', 'running');
  const cancel = Number(env.CANCEL_CAMPAIGN);
  await page.goto(`${base}/#/campaigns/${cancel}`);
  await page.locator('#campaign-status', { hasText: 'running' }).waitFor({ timeout: 30000 });
  await statusAfter(page, cancel, '#cancel', 'cancelled');
  const events = await api('GET', `/campaigns/${cancel}/events`);
  const cancelled = events.items.find((e) => e.event === 'cancelled');
  assert.equal(cancelled.actor, `user:${env.ADMIN_EMAIL}`);
  await page.locator('[data-list*="/events"] td', { hasText: cancelled.actor }).first().waitFor();
  await check(page, 'campaign-cancelled');
  log(`campaign ${pause} paused and resumed, ${cancel} cancelled by ${cancelled.actor}`);
}

async function suppressions(page) {
  await page.click('nav >> text=Suppressions');
  await page.fill('#add-address', 'Blocked@Example.com');
  await page.fill('#add-reason', 'asked by phone');
  await page.click('#add-suppression');
  await page.locator('.notice', { hasText: 'Blocked@Example.com is suppressed' }).waitFor();
  await page.fill('#search-address', 'blocked');
  await page.click('text=Search');
  const found = await api('GET', '/suppressions?address=blocked');
  assert.equal(found.items.length, 1);
  assert.equal(found.items[0].source, 'api');
  const row = page.locator('#suppression-list tbody tr');
  await row.filter({ hasText: found.items[0].reason }).waitFor();
  assert.equal(await row.count(), 1);
  await check(page, 'suppressions');
  await page.click('[aria-label="Remove Blocked@Example.com"]');
  await page.locator('#suppression-list p', { hasText: 'None.' }).waitFor();
  assert.equal((await api('GET', '/suppressions?address=blocked')).items.length, 0);
  log('suppression added, found by address and removed, as GET /suppressions says');
}

async function logOut(page) {
  await page.click('#logout');
  await page.locator('#email').waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/session')).status), 401);
  log('logged out: GET /session is 401');
}

// Below 40 rem each campaign is a card: the list's box does not scroll sideways, the rate and ETA of a campaign are
// inside the viewport, and Chromium's accessibility tree still has the table's column headers and cells.
async function campaignCards(page) {
  const boxes = await page.evaluate(() => [...document.querySelectorAll('#campaign-list .table')]
    .map((box) => ({ scroll: box.scrollWidth, client: box.clientWidth })));
  assert.equal(boxes.length, 1);
  assert.ok(boxes[0].scroll <= boxes[0].client, `campaigns list scrolls sideways: ${JSON.stringify(boxes[0])}`);
  for (const column of [5, 6]) {
    const cell = page.locator(`#campaign-list tbody tr:first-child td:nth-child(${column})`);
    assert.ok(await cell.isVisible(), `column ${column} visible`);
    const box = await cell.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 360, `column ${column} inside 360 px: ${JSON.stringify(box)}`);
  }
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const roles = nodes.map((n) => n.role && n.role.value);
  const count = (role) => roles.filter((r) => r === role).length;
  assert.equal(count('columnheader'), 6);
  assert.equal(count('cell'), await page.locator('#campaign-list td').count());
  await cdp.detach();
  log('at 360 px the campaigns are cards: no sideways scroll, rate and ETA visible, still a table');
}

async function viewer(browser, campaign) {
  const page = await newPage(browser, 360);
  await logIn(page, env.VIEWER_EMAIL, env.VIEWER_PASSWORD);
  assert.equal(await page.locator('nav a', { hasText: 'New campaign' }).isVisible(), false);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'readable at 360 px');
  await campaignCards(page);
  await check(page, 'viewer-campaigns-360px');
  await page.goto(`${base}/#/campaigns/${campaign}`);
  await page.locator('#campaign-status').waitFor();
  assert.equal(await page.locator('#prepare, #pause, #resume, #cancel, #recipients-file').count(), 0);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'campaign page at 360 px');
  await check(page, 'viewer-campaign-360px');
  await page.click('nav >> text=Suppressions');
  await page.locator('#suppression-list').waitFor();
  assert.equal(await page.locator('#add-suppression, [aria-label^=Remove]').count(), 0);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'suppressions at 360 px');
  const status = await page.evaluate(async (id) => {
    const session = await (await fetch('/session')).json();
    const r = await fetch(`/api/v1/campaigns/${id}/cancel`, { method: 'POST',
      headers: { 'X-CSRF-Token': session.csrf_token } });
    return r.status;
  }, campaign);
  assert.equal(status, 403);
  assert.notEqual((await api('GET', `/campaigns/${campaign}`)).status, 'cancelled');
  // A session that ends while a page polls (here its cookie is gone) brings the login back with the API's 401.
  await page.goto(`${base}/#/campaigns/${campaign}`);
  await page.locator('#campaign-status').waitFor();
  await page.context().clearCookies();
  await page.locator('#email').waitFor();
  assert.match(await text(page, '#error'), /^Error 401 \(unauthorized\)/);
  log('the viewer sees no send buttons, gets 403 from the API, and an ended session brings the login back');
}

// Drafts enough for a second page of the campaigns list (20 a page), beside the two push campaigns.
for (let i = 1; i <= 19; i++) {
  await api('POST', '/campaigns', { name: `Draft ${i}`, kind: 'email', template: { subject: 'Hi', text: 'Hello' } });
}
const browser = await chromium.launch({ executablePath: env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await newPage(browser);
  const served = await page.goto(base + '/');
  // Enforced by the browser: a violation would be a console error, which fails the test.
  assert.match(served.headers()['content-security-policy'], /^default-src 'none'; script-src 'self';/);
  await page.locator('#email').waitFor();
  await check(page, 'login');
  await wrongPassword(page);
  await logIn(page, env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
  log('logged in');
  await campaignsList(page);
  const id = await newCampaign(page);
  const accepted = await uploadRecipients(page, id);
  await prepareAndWatch(page, id, accepted);
  await pauseResumeCancel(page);
  await suppressions(page);
  await logOut(page);
  await viewer(browser, Number(env.PAUSE_CAMPAIGN));
  assert.deepEqual(problems, [], 'JavaScript errors');
  log('all steps passed');
} catch (err) {
  console.error(err);
  if (problems.length) console.error('also:\n' + problems.join('\n'));
  // What each page showed when the step failed, beside the step screenshots.
  const pages = browser.contexts().flatMap((c) => c.pages());
  for (const [i, p] of pages.entries()) {
    await p.screenshot({ path: path.join(env.SCREENSHOT_DIR, `failure-${i + 1}.png`), fullPage: true });
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
