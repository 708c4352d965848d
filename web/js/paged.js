// A table of one keyset-paged API list (items + next_cursor), one page at a time, with previous/next buttons.
// params (an object, or a function called at each load for filters that change) becomes the query string with
// limit and the current page's cursor; empty is the text shown when a page has no items.
import { v1, query } from './api.js';
import { attempt, h, table } from './ui.js';

export function pagedList(path, params, limit, headers, row, empty = 'None.') {
  const body = h('div', {});
  const prev = h('button', { type: 'button', class: 'secondary', text: 'Previous page' });
  const next = h('button', { type: 'button', class: 'secondary', text: 'Next page' });
  const el = h('div', { 'data-list': path }, body, h('div', { class: 'actions' }, prev, next));
  const paramsNow = typeof params === 'function' ? params : () => params;
  const cursors = [null];  // the cursor of every page shown so far, for going back
  let nextCursor = null;

  async function load() {
    await attempt(async () => {
      const cursor = cursors[cursors.length - 1];
      const result = await v1('GET', path + query({ ...paramsNow(), limit, cursor }));
      nextCursor = result.next_cursor;
      body.replaceChildren(result.items.length ? table(headers, result.items.map(row))
                                               : h('p', { class: 'muted', text: empty }));
      prev.disabled = cursors.length === 1;
      next.disabled = !nextCursor;
    });
  }
  prev.addEventListener('click', () => { cursors.pop(); load(); });
  next.addEventListener('click', () => { cursors.push(nextCursor); load(); });
  return { el, load, reset: () => { cursors.length = 1; return load(); } };
}
