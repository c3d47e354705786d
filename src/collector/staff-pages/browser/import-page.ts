/*
 * The import page's script (built by vite into dist/staff/import-page.js): reads the chosen evacuation
 * file, posts it as JSON to the form's action and shows the summary, all with textContent (never
 * markup). Its words come from the page's inert JSON block #import-words.
 */

import type { ImportSummary } from '../../../shared/wire';


type Words = Record<string, string>;

/** A failure to show as it is, in the staff's words. */
class ShownError extends Error {}

function el(tag: string, text?: unknown): HTMLElement {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = String(text);
  return element;
}

function row(table: HTMLElement, cells: readonly unknown[], head = false): void {
  const tr = el('tr');
  for (const cell of cells) tr.appendChild(el(head ? 'th' : 'td', cell));
  table.appendChild(tr);
}

/** Posts the file's text; the summary, or a ShownError saying what went wrong. */
async function upload(action: string, device: string, text: string, words: Words): Promise<ImportSummary> {
  let response: Response;
  try {
    response = await fetch(action + (device ? `?device=${encodeURIComponent(device)}` : ''), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
  } catch {
    throw new ShownError(words.network);
  }
  // A body that is not JSON (a proxy's error page) still gets its status shown.
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (response.status === 401) throw new ShownError(words.signedOut);
  if (!response.ok) throw new ShownError(`${words.failed} ${body.message || response.status}`);
  return body as ImportSummary;
}

function showSummary(result: HTMLElement, summary: ImportSummary, words: Words): void {
  result.appendChild(el('h2', words.resultHeading));
  const at = new Date(summary.exportedAt).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
  result.appendChild(el('p', words.fileOf.replace('{kiosk}', summary.kioskId).replace('{at}', at)));
  const table = el('table');
  table.className = 'compact';
  for (const key of ['total', 'created', 'duplicate', 'conflict', 'rejected'] as const) {
    const tr = el('tr');
    tr.appendChild(el('th', words[key]));
    const td = el('td', summary[key]);
    td.className = 'num';
    tr.appendChild(td);
    table.appendChild(tr);
  }
  result.appendChild(table);
  if (summary.problems.length) {
    result.appendChild(el('h3', words.problemsHeading));
    const list = el('table');
    row(list, [words.index, words.responseId, words.outcome, words.reason], true);
    for (const p of summary.problems) row(list, [p.index + 1, p.id || '—', words[p.status], p.reason]);
    result.appendChild(list);
  }
}

function start(): void {
  const words = JSON.parse(document.getElementById('import-words')!.textContent ?? '{}') as Words;
  const form = document.getElementById('import-form') as HTMLFormElement;
  const status = document.getElementById('import-status')!;
  const result = document.getElementById('import-result')!;
  const fileInput = form.elements.namedItem('file') as HTMLInputElement;
  const deviceSelect = form.elements.namedItem('device') as HTMLSelectElement;
  const button = form.querySelector('button')!;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    result.replaceChildren();
    const file = fileInput.files?.[0];
    if (!file) {
      status.textContent = words.noFile;
      return;
    }
    button.disabled = true;
    status.textContent = words.working;
    void (async () => {
      try {
        const text = await file.text();
        try {
          JSON.parse(text);
        } catch {
          throw new ShownError(words.notJson);
        }
        const summary = await upload(form.action, deviceSelect.value, text, words);
        status.textContent = '';
        showSummary(result, summary, words);
      } catch (error) {
        status.textContent = error instanceof ShownError ? error.message : words.network;
      } finally {
        button.disabled = false;
      }
    })();
  });
}

start();
