// Campaigns, newest first, one page of the API's keyset pages at a time (server-side), filtered by status.
import { v1, query } from './api.js';
import { attempt, duration, h, number, page, progressBar, table } from './ui.js';

const statuses = ['', 'draft', 'scheduled', 'preparing', 'running', 'paused', 'completed', 'cancelled', 'failed'];
const pageSize = 20;

function row(c) {
  const p = c.progress;
  return [
    h('a', { href: `#/campaigns/${c.id}`, text: c.name }),
    c.kind,
    h('span', { class: 'status', 'data-status': c.status, text: c.status }),
    h('div', {}, progressBar(p, `Progress of ${c.name}`),
      h('span', { class: 'muted', text: ` ${number(p.done)} / ${number(p.targets)} (${Math.floor(p.percent_done)} %)` })),
    p.rate_per_second === null ? '–' : number(Math.round(p.rate_per_second)) + '/s',
    duration(p.eta_seconds),
  ];
}

export async function campaignsPage() {
  const filter = h('select', { id: 'status-filter' },
    statuses.map((s) => h('option', { value: s, text: s || 'any status' })));
  const list = h('div', { id: 'campaign-list' });
  const prev = h('button', { type: 'button', class: 'secondary', text: 'Previous page' });
  const next = h('button', { type: 'button', class: 'secondary', text: 'Next page' });
  const cursors = [null];  // the cursor of every page shown so far, for going back
  let nextCursor = null;

  async function load() {
    await attempt(async () => {
      const cursor = cursors[cursors.length - 1];
      const result = await v1('GET', '/campaigns' + query({ status: filter.value, limit: pageSize, cursor }));
      nextCursor = result.next_cursor;
      list.replaceChildren(result.items.length
        ? table(['Name', 'Channel', 'Status', 'Progress', 'Rate', 'ETA'], result.items.map(row))
        : h('p', { class: 'muted', text: 'No campaigns.' }));
      prev.disabled = cursors.length === 1;
      next.disabled = !nextCursor;
    });
  }
  filter.addEventListener('change', () => { cursors.length = 1; load(); });
  prev.addEventListener('click', () => { cursors.pop(); load(); });
  next.addEventListener('click', () => { cursors.push(nextCursor); load(); });

  page('Campaigns', h('div', { class: 'row' }, h('div', {},
    h('label', { class: 'field', for: 'status-filter', text: 'Status' }), filter)),
  list, h('div', { class: 'actions' }, prev, next));
  await load();
  const timer = setInterval(load, 5000);
  return () => clearInterval(timer);
}
