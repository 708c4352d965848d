// A table of one keyset-paged API list (items + next_cursor), one page at a time, with previous/next buttons.
import { v1 } from './api.js';
import { attempt, h, table } from './ui.js';

export function pagedList(path, limit, headers, row) {
  const body = h('div', {});
  const prev = h('button', { type: 'button', class: 'secondary', text: 'Previous page' });
  const next = h('button', { type: 'button', class: 'secondary', text: 'Next page' });
  const el = h('div', { 'data-list': path }, body, h('div', { class: 'actions' }, prev, next));
  const cursors = [null];
  let nextCursor = null;
  const separator = path.includes('?') ? '&' : '?';

  async function load() {
    await attempt(async () => {
      const cursor = cursors[cursors.length - 1];
      const result = await v1('GET', `${path}${separator}limit=${limit}` + (cursor ? `&cursor=${cursor}` : ''));
      nextCursor = result.next_cursor;
      body.replaceChildren(result.items.length ? table(headers, result.items.map(row))
                                               : h('p', { class: 'muted', text: 'None.' }));
      prev.disabled = cursors.length === 1;
      next.disabled = !nextCursor;
    });
  }
  prev.addEventListener('click', () => { cursors.pop(); load(); });
  next.addEventListener('click', () => { cursors.push(nextCursor); load(); });
  return { el, load, reset: () => { cursors.length = 1; return load(); } };
}
