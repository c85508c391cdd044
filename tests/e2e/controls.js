// Which interactive controls the suite shows, and which it operates: every test's page
// reports both (tests/e2e/fixtures.js), and tests/e2e/controls-audit.mjs fails the run
// if a control people can use was shown enabled but no test ever used it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.js';

/** Where each test's record goes; scripts/test.sh empties it before the first run. */
export const CONTROLS_DIR = path.join(ROOT, '.work', 'controls');

/**
 * Runs in the page, before its own scripts. A control is known by the screen it is on,
 * its role and its accessible name with the data taken out ("Show media for @user",
 * "Delete # files (size)"), so that the same button on every row is one control.
 */
function recordControls() {
  const CONTROL = 'button, a[href], input:not([type=hidden]), select, textarea, summary';

  const textOf = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.data;
    if (node.nodeType !== Node.ELEMENT_NODE) return '';
    if (node.matches('select, textarea, input')) return '';
    return [...node.childNodes].map(textOf).join(' ');
  };

  const nameOf = (el) => {
    const label = el.getAttribute('aria-label');
    if (label) return label;
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => textOf(document.getElementById(id) ?? document.createTextNode(''))).join(' ');
    if (el.labels?.length) return [...el.labels].map(textOf).join(' ');
    if (el.matches('input[type=submit], input[type=button]')) return el.value;
    return textOf(el);
  };

  const roleOf = (el) => {
    switch (el.localName) {
      case 'a': return 'link';
      case 'select': return 'combobox';
      case 'summary': return 'disclosure';
      case 'textarea': return 'textbox';
      case 'input':
        if (el.type === 'checkbox' || el.type === 'radio') return el.type;
        if (el.type === 'submit' || el.type === 'button') return 'button';
        return 'textbox';
      default: return 'button';
    }
  };

  // The data in a name: sizes, numbers, Matrix identifiers, times.
  const general = (name) => name
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/mxc:\/\/\S+/g, 'mxc')
    .replace(/@[^\s:]+:[^\s)]+/g, '@user')
    .replace(/![^\s:]+:[^\s)]+/g, '!room')
    .replace(/#[^\s:]+:[^\s)]+/g, '#alias')
    .replace(/\$[A-Za-z0-9_+/=-]+(:\S+)?/g, '$event')
    .replace(/\d[\d,.]*\s*(?:[KMGT]i?B|B|bytes)\b/g, 'size')
    .replace(/\d[\d,.:\-T]*/g, '#')
    .replace(/"[^"]*"/g, '"…"');

  // The header (sections, sign-out) is the same on every page: one control each.
  const screen = (el) => {
    if (el.closest('header')) return 'header';
    if (document.querySelector('h1')?.textContent === 'Page not found') return 'not found';
    if (document.querySelector('form.sign-in-form')) return 'sign-in';
    const at = location.pathname.replace(/^\/admin(?=\/|$)/, '').replace(/\/+$/, '');
    return at || '/';
  };

  // A control repeated in every row or item is one control: named by what it does
  // (a button's first word, "Delete"), or by its column, not by the row's data.
  const containerName = (container) => {
    const own = container.getAttribute('aria-label') ?? container.querySelector(':scope > caption')?.textContent;
    if (own) return own;
    const section = container.closest('section, dialog, details');
    const heading = section?.querySelector('h2, h3, summary');
    return heading ? textOf(heading) : container.localName;
  };
  const inRow = (el, role) => {
    const cell = el.closest('tbody td');
    const item = cell ? cell.closest('tr') : el.closest('li');
    if (!item) return null;
    const container = cell ? cell.closest('table') : item.closest('ul, ol');
    const header = cell ? textOf(container.tHead?.rows[0]?.cells[cell.cellIndex] ?? document.createTextNode('')).trim() : '';
    const firstWord = general(nameOf(el)).split(' ')[0];
    let what;
    if (role === 'button') what = firstWord || header;
    else if (cell) what = header || firstWord;
    else what = el.getAttribute('aria-label') ? general(nameOf(el)) : 'its link';
    return `in ${general(containerName(container))}: ${what}`;
  };

  // A dialog's buttons are known by the control that opened it: "the Cancel of the
  // dialog a row's Delete opened", whatever file the dialog names.
  let lastUsed = 'the page';
  const inDialog = (el, role) => {
    const dialog = el.closest('dialog');
    if (!dialog) return null;
    dialog.openedBy ??= lastUsed;
    const what = role === 'button' ? general(nameOf(el)).split(' ')[0] : general(nameOf(el));
    return `dialog of [${dialog.openedBy}]: ${what}`;
  };

  const keyOf = (el) => {
    const role = roleOf(el);
    return `${screen(el)} | ${role} | ${inDialog(el, role) ?? inRow(el, role) ?? general(nameOf(el))}`;
  };
  // Only the console's own pages (not an identity provider's).
  const isConsole = () => document.querySelector('script[src*="boot.js"]') !== null;

  const seen = new Set();
  const scan = () => {
    if (!isConsole()) return;
    const found = [];
    for (const el of document.querySelectorAll(CONTROL)) {
      if (el.disabled || el.getAttribute('aria-disabled') === 'true' || el.closest('fieldset:disabled')
        || el.getClientRects().length === 0) continue;
      const key = keyOf(el);
      if (!seen.has(key)) {
        seen.add(key);
        found.push(key);
      }
    }
    if (found.length) window.__controlsSeen(found);
  };

  let pending = null;
  const later = () => {
    if (pending === null) pending = setTimeout(() => { pending = null; scan(); }, 100);
  };
  new MutationObserver(later).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['disabled', 'hidden', 'class', 'open', 'style'],
  });
  document.addEventListener('DOMContentLoaded', later);

  const operated = (event) => {
    const el = event.target instanceof Element ? event.target.closest(CONTROL) : null;
    if (!el || !isConsole()) return;
    const key = keyOf(el);
    lastUsed = key.split(' | ').slice(2).join(' | ');
    window.__controlOperated(key);
  };
  for (const type of ['click', 'input', 'change']) document.addEventListener(type, operated, true);
  // Escape in a dialog does what its Cancel button does: the same callback.
  document.addEventListener('cancel', (event) => {
    const cancel = event.target instanceof HTMLDialogElement
      && [...event.target.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Cancel');
    if (cancel && isConsole()) window.__controlOperated(keyOf(cancel));
  }, true);
}

/** Starts recording in every page of `context`; returns what the test's pages reported. */
export async function watchControls(context) {
  const record = { seen: new Set(), operated: new Set() };
  await context.exposeBinding('__controlsSeen', (_source, keys) => keys.forEach((k) => record.seen.add(k)));
  await context.exposeBinding('__controlOperated', (_source, key) => record.operated.add(key));
  await context.addInitScript(recordControls);
  return record;
}

/** Keeps one test's record for the audit. */
export function saveControls(record, testInfo) {
  mkdirSync(CONTROLS_DIR, { recursive: true });
  const run = process.env.SYNAPSE_CONSOLE_TOPOLOGY || process.env.SYNAPSE_CONSOLE_SYNAPSE_VERSION || 'main';
  const file = path.join(CONTROLS_DIR, `${run}-${testInfo.testId}-${testInfo.retry}.json`);
  writeFileSync(file, JSON.stringify({
    test: `${path.basename(testInfo.file)}: ${testInfo.title}`,
    run,
    seen: [...record.seen].sort(),
    operated: [...record.operated].sort(),
  }, null, 1));
}
