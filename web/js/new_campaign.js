// A new campaign: channel, name, sender, templates with a live preview rendered by the server's own renderer
// (POST /api/v1/templates/preview), schedule and send window. Created as a draft (or scheduled); recipients are
// uploaded on its page next.
import { v1 } from './api.js';
import { attempt, detailText, h, page } from './ui.js';

const samples = { email: 'ana@example.com', sms: '+14155550100', push: 'f'.repeat(64) };
// Which template fields each channel uses.
const fieldsOf = { email: ['subject', 'text', 'html'], sms: ['text'], push: ['title', 'text', 'data'] };

function input(id, label, attrs = {}, tag = 'input') {
  const el = h(tag, { id, name: id, type: tag === 'input' ? 'text' : undefined, ...attrs });
  return { el, wrap: h('div', { id: id + '-field' }, h('label', { for: id, text: label }), el) };
}

// The request body the form describes (the same for the preview and the create).
function bodyOf(f) {
  const kind = f.kind.el.value;
  const template = {};
  for (const name of fieldsOf[kind]) {
    const value = f[name].el.value;
    if (name === 'data') {
      if (value.trim()) template.data = JSON.parse(value);
    } else if (value || name === 'text') template[name] = value;
  }
  const body = { kind, template };
  if (f.name.el.value) body.name = f.name.el.value;  // the preview needs none; the create says it is missing
  if (f.from.el.value) body.from = f.from.el.value;
  if (kind !== 'push' && f.transactional.el.checked) body.transactional = true;
  if (f.start.el.value && f.end.el.value) body.send_window = { start: f.start.el.value, end: f.end.el.value };
  if (kind === 'sms' && f.quietStart.el.value && f.quietEnd.el.value) {
    body.quiet_hours = { start: f.quietStart.el.value, end: f.quietEnd.el.value };
  }
  if (f.scheduled.el.value) body.scheduled_at = new Date(f.scheduled.el.value).toISOString();
  return body;
}

function showPreview(box, result) {
  const items = Object.entries(result.payload).map(([k, v]) =>
    [h('dt', { text: k }), h('dd', {}, h('pre', { 'data-field': k, text: typeof v === 'string' ? v : JSON.stringify(v, null, 1) }))]);
  box.replaceChildren(h('dl', { class: 'preview' }, items.flat()));
}

function showPreviewError(box, err) {
  const lines = (err.details || []).map((d) => h('li', { text: detailText(d) }));
  box.replaceChildren(h('p', { class: 'error', 'data-preview-error': '', text: err.message }), h('ul', {}, lines));
}

function buildFields() {
  const f = {
    kind: input('kind', 'Channel', {}, 'select'),
    name: input('name', 'Name', { required: true }),
    from: input('from', 'Sender (email address or E.164 number; empty for the server default)'),
    subject: input('subject', 'Subject'),
    title: input('title', 'Push title'),
    text: input('text', 'Text', {}, 'textarea'),
    html: input('html', 'HTML', {}, 'textarea'),
    data: input('data', 'Push data (JSON object)', {}, 'textarea'),
    transactional: { el: h('input', { id: 'transactional', type: 'checkbox' }) },
    scheduled: input('scheduled', 'Schedule (empty: a draft you prepare by hand)', { type: 'datetime-local' }),
    start: input('window-start', 'Send window start (recipient’s local time)', { type: 'time' }),
    end: input('window-end', 'Send window end', { type: 'time' }),
    quietStart: input('quiet-start', 'Texts go out from (SMS quiet hours; empty: 08:00)', { type: 'time' }),
    quietEnd: input('quiet-end', 'until (empty: 21:00)', { type: 'time' }),
    metadata: input('metadata', 'Sample recipient’s fields (JSON)', {}, 'textarea'),
  };
  f.kind.el.append(...['email', 'sms', 'push'].map((k) => h('option', { value: k, text: k })));
  f.metadata.el.value = '{"first_name": "Ana"}';
  f.quiet = h('div', { class: 'row' }, f.quietStart.wrap, f.quietEnd.wrap);
  f.transactional.wrap = h('div', {}, h('label', { for: 'transactional' }, f.transactional.el,
    ' Transactional (no unsubscribe link: receipts and the like)'));
  return f;
}

export async function newCampaignPage() {
  const f = buildFields();
  const preview = h('div', { id: 'preview', 'aria-live': 'polite' }, h('p', { class: 'muted', text: 'Type a template.' }));
  let timer = null;
  let sequence = 0;

  async function renderPreview() {
    const mine = ++sequence;
    let body;
    try {
      body = bodyOf(f);
      body.sample = { user_ref: samples[body.kind], metadata: JSON.parse(f.metadata.el.value || '{}') };
    } catch (err) {
      return showPreviewError(preview, { message: 'not valid JSON: ' + err.message });
    }
    delete body.scheduled_at;
    try {
      const result = await v1('POST', '/templates/preview', body);
      if (mine === sequence) showPreview(preview, result);
    } catch (err) {
      if (mine === sequence) showPreviewError(preview, err);
    }
  }
  const schedulePreview = () => { clearTimeout(timer); timer = setTimeout(renderPreview, 250); };

  function showChannelFields() {
    const used = fieldsOf[f.kind.el.value];
    for (const name of ['subject', 'title', 'html', 'data']) f[name].wrap.hidden = !used.includes(name);
    f.transactional.wrap.hidden = f.kind.el.value === 'push';
    f.quiet.hidden = f.kind.el.value !== 'sms';
    schedulePreview();
  }

  const form = h('form', { class: 'stack', onsubmit: (e) => {
    e.preventDefault();
    attempt(async () => {
      const campaign = await v1('POST', '/campaigns', bodyOf(f));
      location.hash = `#/campaigns/${campaign.id}`;
    });
  } },
  f.kind.wrap, f.name.wrap, f.from.wrap, f.subject.wrap, f.title.wrap, f.text.wrap, f.html.wrap, f.data.wrap,
  f.transactional.wrap, f.scheduled.wrap, h('div', { class: 'row' }, f.start.wrap, f.end.wrap), f.quiet,
  h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'create', text: 'Create campaign' })));
  form.addEventListener('input', schedulePreview);
  f.kind.el.addEventListener('change', showChannelFields);
  f.metadata.el.addEventListener('input', schedulePreview);

  page('New campaign', h('div', { class: 'columns' }, h('section', { class: 'panel' }, form),
    h('section', { class: 'panel', 'aria-labelledby': 'preview-title' },
      h('h2', { id: 'preview-title', text: 'Preview' }), f.metadata.wrap, preview)));
  showChannelFields();
  return () => clearTimeout(timer);
}
