// One campaign: recipients upload while it is a draft, prepare or schedule, live progress polled from the
// cached progress endpoint (the server counts at most once per 3 s whoever polls), a chart of finished messages per
// second, counts, failures (paged), the audit trail, and pause / resume / cancel with a confirmation.
import { v1, canEdit } from './api.js';
import { attempt, duration, finalStatuses, h, number, page, progressBar, table } from './ui.js';
import { uploadSection } from './upload.js';
import { rateChart } from './chart.js';
import { pagedList } from './paged.js';

const editable = ['draft', 'scheduled'];

function countsTable(progress) {
  const c = progress.counts;
  const d = progress.delivery || {};
  const deliveryKeys = ['accepted', 'delivered', 'deferred', 'bounced', 'dropped', 'undelivered', 'complained'];
  return h('div', { class: 'columns' },
    table(['Status', 'Messages'], Object.keys(c).map((k) => [k, h('span', { 'data-count': k, text: number(c[k]) })]),
      'Per status'),
    table(['Delivery state', 'Messages'], deliveryKeys.map((k) => [k, h('span', { 'data-delivery': k, text: number(d[k]) })]),
      'Per delivery state (provider feedback)'));
}

function actionButtons(campaign, reload) {
  if (!canEdit()) return [];
  const act = (label, verb, cls, question) => h('button', { type: 'button', class: cls, id: verb, text: label,
    onclick: () => {
      if (question && !window.confirm(question)) return;
      attempt(async () => { await v1('POST', `/campaigns/${campaign.id}/${verb}`); await reload(); });
    } });
  const s = campaign.status;
  const buttons = [];
  if (editable.includes(s)) buttons.push(act('Prepare and send now', 'prepare', '', `Send "${campaign.name}" now?`));
  if (s === 'running') buttons.push(act('Pause', 'pause', 'secondary', `Pause "${campaign.name}"?`));
  if (s === 'paused') buttons.push(act('Resume', 'resume', '', `Resume "${campaign.name}"?`));
  if (!finalStatuses.includes(s)) {
    buttons.push(act('Cancel campaign', 'cancel', 'danger',
      `Cancel "${campaign.name}"? Every unsent message is dropped; this cannot be undone.`));
  }
  return buttons;
}

function scheduleForm(campaign, reload) {
  const when = h('input', { id: 'schedule-at', type: 'datetime-local' });
  return h('form', { class: 'row', onsubmit: (e) => {
    e.preventDefault();
    attempt(async () => {
      const scheduled_at = when.value ? new Date(when.value).toISOString() : '';
      await v1('POST', `/campaigns/${campaign.id}/schedule`, { scheduled_at });
      await reload();
    });
  } }, h('div', {}, h('label', { class: 'field', for: 'schedule-at', text: 'Schedule for' }), when),
  h('div', {}, h('button', { type: 'submit', class: 'secondary', text: 'Schedule' })));
}

export async function campaignPage(id) {
  const head = h('div', { id: 'campaign-head' });
  const progressBox = h('section', { class: 'panel', 'aria-labelledby': 'progress-title' });
  const chart = rateChart();
  const failures = pagedList(`/campaigns/${id}/messages`, { status: 'failed' }, 20,
    ['Recipient', 'Attempts', 'Reason'], (m) => [m.user_ref, String(m.attempts), m.last_error || '']);
  const audit = pagedList(`/campaigns/${id}/events`, {}, 50, ['When', 'Event', 'Actor', 'Details'],
    (e) => [e.created_at, e.event, e.actor, h('pre', { text: JSON.stringify(e.details) })]);
  let campaign = null;
  let timer = null;

  async function showProgress() {
    const p = await v1('GET', `/campaigns/${id}/progress`);
    chart.add(p);
    progressBox.replaceChildren(h('h2', { id: 'progress-title', text: 'Progress' }),
      h('div', { id: 'progress' }, progressBar(p, 'Campaign progress'),
        h('p', { id: 'progress-text', 'data-percent': String(Math.floor(p.percent_done)),
          text: `${Math.floor(p.percent_done)} % · ${number(p.done)} of ${number(p.targets)} finished · ` +
                `rate ${p.rate_per_second === null ? '–' : Math.round(p.rate_per_second) + '/s'} · ` +
                `ETA ${duration(p.eta_seconds)} · as of ${p.as_of}` })),
      countsTable(p), chart.el);
    return p;
  }

  async function reload() {
    campaign = await v1('GET', `/campaigns/${id}`);
    const upload = canEdit() && editable.includes(campaign.status) ? uploadSection(campaign, () => audit.load()) : null;
    head.replaceChildren(
      h('p', {}, 'Status ', h('span', { class: 'status', id: 'campaign-status', text: campaign.status }),
        ` · ${campaign.kind}` + (campaign.status_reason ? ` · ${campaign.status_reason}` : '')),
      h('div', { class: 'actions' }, actionButtons(campaign, reload)),
      canEdit() && editable.includes(campaign.status) ? scheduleForm(campaign, reload) : '',
      upload || '');
    await showProgress();
    await Promise.all([failures.load(), audit.load()]);
  }

  async function poll() {
    await attempt(async () => {
      await showProgress();
      const now = await v1('GET', `/campaigns/${id}`);
      if (now.status !== campaign.status) await reload();
    });
    if (!finalStatuses.includes(campaign.status)) timer = setTimeout(poll, 1000);
  }

  page('Campaign', head, progressBox,
    h('section', { class: 'panel' }, h('h2', { text: 'Failures' }), failures.el),
    h('section', { class: 'panel' }, h('h2', { text: 'Audit trail' }), audit.el));
  await attempt(async () => {
    await reload();
    document.title = campaign.name + ' – bulkmsg';
    document.querySelector('main h1').textContent = campaign.name;
    timer = setTimeout(poll, 1000);
  });
  return () => clearTimeout(timer);
}
