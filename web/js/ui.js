// Small DOM helpers shared by the pages. Text always goes in through textContent, never as HTML.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const errorBox = () => document.getElementById('error');

// Shows a failed request (an ApiError or any Error) with the API's message and the fields it names.
export function showError(err) {
  const box = errorBox();
  box.replaceChildren(h('strong', { text: err.status ? `Error ${err.status} (${err.code}): ` : 'Error: ' }),
                      err.message);
  if (err.details && err.details.length) {
    box.append(h('ul', {}, err.details.map((d) => h('li', { text: detailText(d) }))));
  }
  box.hidden = false;
}

export function detailText(d) {
  const where = d.line ? ` (line ${d.line}, column ${d.column})` : '';
  const name = d.field || d.dependency || '';
  return (name ? name + ': ' : '') + (d.reason || JSON.stringify(d)) + where;
}

export function clearError() {
  errorBox().hidden = true;
  errorBox().replaceChildren();
}

// Runs an async action; a failure is shown, not thrown.
export async function attempt(action) {
  try {
    clearError();
    return await action();
  } catch (err) {
    showError(err);
    return undefined;
  }
}

export function page(title, ...children) {
  document.title = title + ' – bulkmsg';
  const main = document.getElementById('main');
  main.replaceChildren(h('h1', { text: title }), ...children);
  return main;
}

// A table in a box that scrolls sideways on narrow screens; the box takes focus, so keyboards can scroll it.
// Each cell's data-label is its column's header, for layouts that show a row as a card (app.css, .cards).
export function table(headers, rows, caption) {
  const name = caption || headers.filter(Boolean).join(', ');
  return h('div', { class: 'table', role: 'region', tabindex: 0, 'aria-label': name }, h('table', {},
    caption ? h('caption', { class: 'muted', text: caption }) : null,
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c, i) => h('td', { 'data-label': headers[i] }, c)))))));
}

export function progressBar(progress, label) {
  const pct = Math.floor(progress ? progress.percent_done : 0);
  return h('progress', { max: 100, value: pct, 'aria-label': label, title: pct + ' %' });
}

export function number(n) {
  return n === null || n === undefined ? '–' : Number(n).toLocaleString('en');
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

export const finalStatuses = ['completed', 'cancelled', 'failed'];
