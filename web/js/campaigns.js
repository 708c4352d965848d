// Campaigns, newest first, one page of the API's keyset pages at a time (server-side), filtered by status.
import { duration, h, number, page, progressBar } from './ui.js';
import { pagedList } from './paged.js';

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
  const list = pagedList('/campaigns', () => ({ status: filter.value }), pageSize,
    ['Name', 'Channel', 'Status', 'Progress', 'Rate', 'ETA'], row, 'No campaigns.');
  filter.addEventListener('change', () => list.reset());

  page('Campaigns', h('div', { class: 'row' }, h('div', {},
    h('label', { class: 'field', for: 'status-filter', text: 'Status' }), filter)),
  h('div', { id: 'campaign-list', class: 'cards' }, list.el));
  await list.load();
  const timer = setInterval(list.load, 5000);
  return () => clearInterval(timer);
}
