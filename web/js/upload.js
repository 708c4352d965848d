// Recipient upload from a CSV or NDJSON file, streamed to the API with an upload progress bar, then the API's
// report: accepted, duplicates, rejected and the first rejected rows with their reasons.
import { upload } from './api.js';
import { attempt, h, number, table } from './ui.js';

function contentTypeOf(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.ndjson') || name.endsWith('.jsonl')) return 'application/x-ndjson';
  if (name.endsWith('.json')) return 'application/json';
  return file.type || 'text/csv';
}

function report(result) {
  return h('div', { id: 'upload-report' },
    h('p', {}, h('span', { 'data-accepted': String(result.accepted), text: `${number(result.accepted)} accepted` }),
      ` · ${number(result.duplicates)} duplicates · `,
      h('span', { 'data-rejected': String(result.rejected), text: `${number(result.rejected)} rejected` })),
    result.errors.length
      ? table(['Row', 'Field', 'Reason'], result.errors.map((e) => [String(e.row), e.field, e.reason]),
        result.rejected > result.errors.length ? `First ${result.errors.length} rejected rows` : 'Rejected rows')
      : '');
}

// `uploaded` is called after each upload the API answered (the page refreshes its audit trail).
export function uploadSection(campaign, uploaded) {
  const file = h('input', { id: 'recipients-file', type: 'file', accept: '.csv,.ndjson,.jsonl,.json' });
  const bar = h('progress', { id: 'upload-progress', max: 100, value: 0, 'aria-label': 'Upload progress' });
  const out = h('div', { 'aria-live': 'polite' });
  const send = h('button', { type: 'submit', class: 'secondary', text: 'Upload recipients' });
  const form = h('form', { class: 'stack', onsubmit: (e) => {
    e.preventDefault();
    if (!file.files.length) return;
    send.disabled = true;
    attempt(async () => {
      const f = file.files[0];
      const result = await upload(`/campaigns/${campaign.id}/targets`, f, contentTypeOf(f),
        (loaded, total) => { bar.value = Math.round((100 * loaded) / total); });
      bar.value = 100;
      out.replaceChildren(report(result));
      await uploaded();
    }).finally(() => { send.disabled = false; });
  } },
  h('label', { for: 'recipients-file', text: 'Recipients (CSV with a user_ref column, or NDJSON)' }), file,
  h('div', { class: 'actions' }, send), bar, out);
  return h('section', { class: 'panel', 'aria-label': 'Recipients' }, h('h2', { text: 'Recipients' }), form);
}
