// Suppressions: search by address (and channel), add and remove (admins), each with its reason and source.
import { v1, isAdmin, query } from './api.js';
import { attempt, h, page } from './ui.js';
import { pagedList } from './paged.js';

const channels = ['email', 'sms', 'push'];

function channelSelect(id, any) {
  return h('select', { id }, (any ? [''] : []).concat(channels).map((c) => h('option', { value: c, text: c || 'any channel' })));
}

function addForm(reload) {
  const channel = channelSelect('add-channel', false);
  const address = h('input', { id: 'add-address', type: 'text', required: true });
  const reason = h('input', { id: 'add-reason', type: 'text' });
  const done = h('p', { class: 'notice', 'aria-live': 'polite' });
  return h('form', { class: 'panel', onsubmit: (e) => {
    e.preventDefault();
    attempt(async () => {
      const s = await v1('POST', '/suppressions', { channel: channel.value, address: address.value, reason: reason.value });
      done.textContent = `${s.address} is suppressed on ${s.channel}.`;
      await reload();
    });
  } }, h('h2', { text: 'Add a suppression' }), h('div', { class: 'row' },
    h('div', {}, h('label', { class: 'field', for: 'add-channel', text: 'Channel' }), channel),
    h('div', {}, h('label', { class: 'field', for: 'add-address', text: 'Address' }), address),
    h('div', {}, h('label', { class: 'field', for: 'add-reason', text: 'Reason' }), reason),
    h('div', {}, h('button', { type: 'submit', id: 'add-suppression', text: 'Suppress' }))), done);
}

export async function suppressionsPage() {
  const channel = channelSelect('search-channel', true);
  const address = h('input', { id: 'search-address', type: 'text', placeholder: 'e.g. ana@example.com' });
  const results = h('div', { id: 'suppression-list' });
  let list = null;

  function removeButton(s) {
    return h('button', { type: 'button', class: 'danger', text: 'Remove', 'aria-label': `Remove ${s.address}`,
      onclick: () => {
        if (!window.confirm(`Remove the suppression of ${s.address} on ${s.channel}?`)) return;
        attempt(async () => {
          await v1('DELETE', '/suppressions' + query({ channel: s.channel, address: s.address }));
          await search();
        });
      } });
  }

  async function search() {
    const headers = ['Channel', 'Address', 'Reason', 'Source', 'Campaign'].concat(isAdmin() ? ['Action'] : []);
    list = pagedList('/suppressions', { channel: channel.value, address: address.value }, 50, headers,
      (s) => [s.channel, s.address, s.reason, s.source, s.campaign_id ? h('a', { href: `#/campaigns/${s.campaign_id}`,
        text: String(s.campaign_id) }) : '–'].concat(isAdmin() ? [removeButton(s)] : []));
    results.replaceChildren(list.el);
    await list.load();
  }

  const searchForm = h('form', { class: 'row', role: 'search', onsubmit: (e) => { e.preventDefault(); search(); } },
    h('div', {}, h('label', { class: 'field', for: 'search-channel', text: 'Channel' }), channel),
    h('div', {}, h('label', { class: 'field', for: 'search-address', text: 'Address starts with' }), address),
    h('div', {}, h('button', { type: 'submit', class: 'secondary', text: 'Search' })));
  page('Suppressions', isAdmin() ? addForm(search) : '', searchForm, results);
  await search();
  return null;
}
