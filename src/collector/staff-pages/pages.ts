/*
 * The staff pages other than the report: sign-in, devices and their tokens, fleet health, export and
 * import. Pure functions from data to Html; every value is escaped by the html template.
 */
import type { LocalizedText, SurveyDefinition } from '../../shared/survey';
import type { DeviceRecord, PlaceCount } from '../stores/store';
import type { FleetEntry, FleetProblem } from './fleet';
import { SERVICE_FIELD_QUESTION } from './filters';
import { html, jsonForScript, trustedHtml, type Html } from './html';
import { formatAgo, formatBytes, formatCount, formatDateTime, formatDuration, type Lang, type Words } from './i18n';
import { page, type PageContext } from './layout';

/** A localized definition text in the page's language. */
export function localized(text: LocalizedText | undefined, lang: Lang): string {
  if (!text) return '';
  return text[lang] ?? text.vi ?? Object.values(text)[0] ?? '';
}

// ---------------------------------------------------------------- sign-in

export type LoginNotice = 'wrong' | 'locked' | 'noPassword' | 'loggedOut' | 'signInAgain' | 'forbidden';

export function loginPage(ctx: PageContext, options: { next: string; notice?: LoginNotice; waitSeconds?: number }): Html {
  const { w } = ctx;
  const message =
    options.notice === 'wrong'
      ? html`<p class="error" role="alert">${w.login.wrong}</p>`
      : options.notice === 'locked'
        ? html`<p class="error" role="alert">${w.login.locked(options.waitSeconds ?? 1)}</p>`
        : options.notice === 'noPassword'
          ? html`<p class="warning" role="alert">${w.login.noPassword}</p>`
          : options.notice === 'forbidden'
            ? html`<p class="error" role="alert">${w.errors.forbidden}</p>`
            : options.notice === 'loggedOut'
              ? html`<p class="note" role="status">${w.login.loggedOut}</p>`
              : options.notice === 'signInAgain'
                ? html`<p class="note" role="status">${w.login.signInAgain}</p>`
                : '';
  return page(ctx, {
    title: w.login.title,
    body: html`<p class="lead">${w.login.intro}</p>
${message}
<form class="stack" method="post" action="/admin/login">
  <input type="hidden" name="next" value="${options.next}">
  <label>${w.login.password}
    <input type="password" name="password" autocomplete="current-password" required autofocus maxlength="1024">
  </label>
  <div class="actions"><button type="submit">${w.login.submit}</button></div>
</form>`,
  });
}

// ---------------------------------------------------------------- devices

export interface DeviceForm {
  label: string;
  agencyCode: string;
  counterCode: string;
}

export type DeviceFormErrors = Partial<Record<keyof DeviceForm, string>>;

function field(name: string, label: string, hint: string, value: string, error: string | undefined, maxlength: number): Html {
  return html`<label>${label}
    <span class="hint" id="${name}-hint">${hint}</span>
    <input name="${name}" value="${value}" maxlength="${maxlength}" required aria-describedby="${name}-hint"${error ? trustedHtml(' aria-invalid="true"') : ''}>
    ${error ? html`<span class="error">${error}</span>` : ''}
  </label>`;
}

export function devicesPage(
  ctx: PageContext,
  options: { devices: DeviceRecord[]; form?: DeviceForm; errors?: DeviceFormErrors; notice?: string },
): Html {
  const { w, lang } = ctx;
  const form = options.form ?? { label: '', agencyCode: '', counterCode: '' };
  const errors = options.errors ?? {};
  const invalid = Object.keys(errors).length > 0;
  const rows = options.devices.map(
    (d) => html`<tr class="${d.revokedAt ? 'revoked' : ''}">
  <td>${d.label}<br><span class="hint mono">${d.id}</span></td>
  <td>${d.agencyCode} / ${d.counterCode}</td>
  <td>${formatDateTime(lang, d.createdAt)}</td>
  <td>${d.revokedAt ? w.devices.revoked(formatDateTime(lang, d.revokedAt)) : html`<span class="ok">${w.devices.active}</span>`}</td>
  <td>${
    d.revokedAt
      ? ''
      : html`<div class="actions">
    <form method="post" action="/admin/devices/${d.id}/rotate" data-confirm="${w.devices.rotateConfirm(d.label)}"><button type="submit" class="secondary">${w.devices.rotate}</button></form>
    <form method="post" action="/admin/devices/${d.id}/revoke" data-confirm="${w.devices.revokeConfirm(d.label)}"><button type="submit" class="danger">${w.devices.revoke}</button></form>
  </div>`
  }</td>
</tr>`,
  );
  return page(ctx, {
    title: w.devices.title,
    active: 'devices',
    body: html`<p class="lead">${w.devices.intro}</p>
${options.notice ? html`<p class="note" role="status">${options.notice}</p>` : ''}
<h2>${w.devices.registerHeading}</h2>
${invalid ? html`<p class="error" role="alert">${w.devices.invalid}</p>` : ''}
<form class="stack" method="post" action="/admin/devices">
  ${field('label', w.devices.label, w.devices.labelHint, form.label, errors.label, 120)}
  ${field('agencyCode', w.devices.agency, w.devices.agencyHint, form.agencyCode, errors.agencyCode, 64)}
  ${field('counterCode', w.devices.counter, w.devices.counterHint, form.counterCode, errors.counterCode, 64)}
  <div class="actions"><button type="submit">${w.devices.register}</button></div>
</form>
<h2>${w.devices.listHeading}</h2>
${
  options.devices.length === 0
    ? html`<p>${w.devices.empty}</p>`
    : html`<table>
<thead><tr><th>${w.devices.label}</th><th>${w.devices.place}</th><th>${w.devices.registeredAt}</th><th>${w.devices.status}</th><th class="no-print">${w.devices.actions}</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}`,
  });
}

/** Is the link's host this computer only (a tablet could not open it)? */
function isLoopback(link: string): boolean {
  const host = new URL(link).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** The page that shows a new token once, with its provisioning link and QR code. */
export function tokenPage(
  ctx: PageContext,
  options: { device: DeviceRecord; token: string; link: string; qrSvg: string; rotated: boolean },
): Html {
  const { w } = ctx;
  const title = options.rotated ? w.token.titleRotated(options.device.label) : w.token.titleNew(options.device.label);
  return page(ctx, {
    title,
    active: 'devices',
    body: html`<p class="warning" role="alert">${w.token.once}</p>
<ol>
  <li>${w.token.step1}</li>
  <li>${w.token.step2}</li>
  <li>${w.token.step3}</li>
</ol>
${isLoopback(options.link) ? html`<p class="warning">${w.token.loopback}</p>` : ''}
<figure class="qr">${trustedHtml(options.qrSvg)}<figcaption>${w.token.qrCaption}</figcaption></figure>
<p><strong>${w.token.link}:</strong><br><a class="mono" href="${options.link}">${options.link}</a></p>
<p><strong>${w.token.token}:</strong><br><code>${options.token}</code></p>
<p class="hint">${w.token.device}: <span class="mono">${options.device.id}</span> · ${options.device.agencyCode} / ${options.device.counterCode}</p>
<p class="no-print"><a class="button secondary" href="/admin/devices">${w.token.back}</a></p>`,
  });
}

// ---------------------------------------------------------------- fleet

/** The missing sequence numbers as ranges, per kiosk installation when there are several: "3–4, 7 …". */
function gapRanges(entry: FleetEntry, limit = 6): string {
  const byKiosk = new Map<string, string[]>();
  for (const gap of entry.gaps) {
    const ranges = byKiosk.get(gap.kioskId) ?? [];
    ranges.push(gap.from === gap.to ? `${gap.from}` : `${gap.from}–${gap.to}`);
    byKiosk.set(gap.kioskId, ranges);
  }
  const parts = [...byKiosk].map(([kioskId, ranges]) => {
    const shown = ranges.length > limit ? `${ranges.slice(0, limit).join(', ')} …` : ranges.join(', ');
    return byKiosk.size > 1 ? `${kioskId.slice(0, 8)}…: ${shown}` : shown;
  });
  return parts.join('; ');
}

export function problemText(lang: Lang, w: Words, problem: FleetProblem, entry: FleetEntry, now: Date): string {
  const count = (n: number) => formatCount(lang, n);
  switch (problem.kind) {
    case 'neverContacted':
      return w.fleet.problems.neverContacted;
    case 'stale':
      return w.fleet.problems.stale(formatDuration(w, now.getTime() - Date.parse(problem.lastContactAt)));
    case 'gaps':
      return w.fleet.problems.gaps(count(problem.missing), gapRanges(entry, 3));
    case 'queueOld':
      return w.fleet.problems.queueOld(formatDuration(w, now.getTime() - Date.parse(problem.oldestUnsentAt)), count(problem.queueDepth));
    case 'conflicts':
      return w.fleet.problems.conflicts(count(problem.count));
    case 'rejected':
      return w.fleet.problems.rejected(count(problem.count));
    case 'storageNotPersisted':
      return w.fleet.problems.storageNotPersisted;
  }
}

export function fleetPage(ctx: PageContext, options: { entries: FleetEntry[]; now: Date }): Html {
  const { w, lang } = ctx;
  const { entries, now } = options;
  const tally = (state: FleetEntry['state']) => entries.filter((e) => e.state === state).length;
  const rows = entries.map((entry) => {
    const report = entry.lastReport;
    const storage = report?.storage;
    const persisted =
      storage?.persisted === true ? w.fleet.persisted : storage?.persisted === false ? w.fleet.notPersisted : w.fleet.persistUnknown;
    const usage =
      storage && storage.usageBytes !== null && storage.quotaBytes !== null
        ? w.fleet.usage(formatBytes(lang, storage.usageBytes), formatBytes(lang, storage.quotaBytes))
        : '';
    return html`<tr class="${entry.state}">
  <td class="device"><strong>${entry.label}</strong><br>${entry.agencyCode} / ${entry.counterCode}</td>
  <td>${
    entry.lastContactAt === null
      ? w.layout.never
      : html`${formatAgo(lang, w, entry.lastContactAt, now)}<br><span class="hint">${formatDateTime(lang, entry.lastContactAt)}</span>`
  }</td>
  <td>${
    entry.state === 'revoked'
      ? w.fleet.revoked
      : entry.problems.length === 0
        ? html`<span class="ok">✓ ${w.fleet.ok}</span>`
        : html`<ul class="problems">${entry.problems.map((p) => html`<li>${problemText(lang, w, p, entry, now)}</li>`)}</ul>`
  }${report?.lastError ? html`<br><span class="hint">${w.fleet.lastError}: ${report.lastError}</span>` : ''}</td>
  <td>${
    report
      ? html`${w.fleet.queueCount(formatCount(lang, report.queueDepth))}${
          report.oldestUnsentAt ? html`<br><span class="hint">${w.fleet.oldestWaiting(formatDuration(w, now.getTime() - Date.parse(report.oldestUnsentAt)))}</span>` : ''
        }<br><span class="hint">${w.fleet.storage}: ${persisted}${usage ? `, ${usage}` : ''}</span>`
      : w.fleet.noReport
  }</td>
  <td class="num">${formatCount(lang, entry.received)}</td>
  <td>${entry.missing === 0 ? w.fleet.noGaps : html`<span class="bad">${w.fleet.missing(formatCount(lang, entry.missing))}</span><br><span class="hint">${gapRanges(entry)}</span>`}</td>
  <td>${report ? html`${w.fleet.app} ${report.appVersion}<br>${w.fleet.definition} ${report.definition}` : '—'}</td>
</tr>`;
  });
  return page(ctx, {
    title: w.fleet.title,
    active: 'fleet',
    body: html`<p class="lead">${w.fleet.intro}</p>
<p><strong>${w.fleet.summary(tally('attention'), tally('ok'), tally('revoked'))}</strong></p>
${
  entries.length === 0
    ? html`<p>${w.fleet.empty}</p>`
    : html`<table>
<thead><tr><th>${w.fleet.device}</th><th>${w.fleet.lastContact}</th><th>${w.fleet.state}</th><th>${w.fleet.queue}</th><th class="num">${w.fleet.received}</th><th>${w.fleet.gaps}</th><th>${w.fleet.versions}</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}`,
  });
}

// ---------------------------------------------------------------- filters (export and report)

export interface FilterFormOptions {
  definitions: readonly SurveyDefinition[];
  places: readonly PlaceCount[];
  values: Record<string, string>;
  /** The export may take every questionnaire at once; the report scores one. */
  allowAnyDefinition: boolean;
  /** Definition whose service-field options are offered. */
  fieldDefinition: SurveyDefinition | undefined;
}

function select(name: string, label: string, current: string | undefined, options: Array<{ value: string; text: string }>): Html {
  return html`<label>${label}
  <select name="${name}">${options.map(
    (o) => html`<option value="${o.value}"${o.value === (current ?? '') ? trustedHtml(' selected') : ''}>${o.text}</option>`,
  )}</select>
</label>`;
}

export function filterFields(ctx: PageContext, options: FilterFormOptions): Html {
  const { w, lang } = ctx;
  const v = options.values;
  const ids = [...new Set(options.definitions.map((d) => d.id))];
  const versions = [...new Set(options.definitions.map((d) => d.version))].sort((a, b) => a - b);
  const agencies = [...new Set(options.places.map((p) => p.agencyCode))].sort();
  const counters = [...new Set(options.places.map((p) => p.counterCode))].sort();
  // Values typed into a URL are kept in the form even when no response has them yet.
  if (v.agency && !agencies.includes(v.agency)) agencies.push(v.agency);
  if (v.counter && !counters.includes(v.counter)) counters.push(v.counter);
  const fieldQuestion = options.fieldDefinition?.sections.flatMap((s) => s.questions).find((q) => q.id === SERVICE_FIELD_QUESTION);
  const all = { value: '', text: w.layout.all };
  return html`${select('definition', w.filters.definition, v.definition, [
    ...(options.allowAnyDefinition ? [all] : []),
    ...ids.map((id) => {
      const title = localized(options.definitions.find((d) => d.id === id)?.title, lang);
      return { value: id, text: `${id} – ${title.length > 60 ? `${title.slice(0, 59)}…` : title}` };
    }),
  ])}
${select('version', w.filters.version, v.version, [{ value: '', text: w.filters.anyVersion }, ...versions.map((n) => ({ value: String(n), text: w.filters.versionLabel(n) }))])}
${select('agency', w.filters.agency, v.agency, [all, ...agencies.map((a) => ({ value: a, text: a }))])}
${select('counter', w.filters.counter, v.counter, [all, ...counters.map((c) => ({ value: c, text: c }))])}
${
  fieldQuestion && fieldQuestion.kind === 'single'
    ? select('field', w.filters.field, v.field, [all, ...fieldQuestion.options.map((o) => ({ value: o.code, text: localized(o.label, lang) }))])
    : ''
}
<label>${w.filters.from}<input type="date" name="from" value="${v.from ?? ''}"></label>
<label>${w.filters.to}<input type="date" name="to" value="${v.to ?? ''}"><span class="hint">${w.filters.datesHint}</span></label>`;
}

export function problemsBox(ctx: PageContext, problems: readonly string[]): Html {
  return problems.length === 0
    ? html``
    : html`<div class="error" role="alert"><p>${ctx.w.errors.badFilter}</p><ul>${problems.map((p) => html`<li>${p}</li>`)}</ul></div>`;
}

// ---------------------------------------------------------------- export

/** Where the export form sends each format. */
export const EXPORT_PATHS = {
  csv: '/api/v1/admin/responses.csv',
  xlsx: '/api/v1/admin/responses.xlsx',
  json: '/api/v1/admin/responses.json',
} as const;

export function exportPage(ctx: PageContext, options: FilterFormOptions & { count?: number; problems: string[] }): Html {
  const { w, lang } = ctx;
  return page(ctx, {
    title: w.export.title,
    active: 'export',
    body: html`<p class="lead">${w.export.intro}</p>
${problemsBox(ctx, options.problems)}
<form class="filters" method="get" action="/admin/export">
  ${filterFields(ctx, options)}
  <label class="inline"><input type="checkbox" name="labels" value="1"${options.values.labels === '1' ? trustedHtml(' checked') : ''}> ${w.export.labels}</label>
  <div class="actions">
    <button type="submit" class="secondary">${w.export.count}</button>
    <button type="submit" formaction="${EXPORT_PATHS.csv}">${w.export.csv}</button>
    <button type="submit" formaction="${EXPORT_PATHS.xlsx}">${w.export.xlsx}</button>
    <button type="submit" formaction="${EXPORT_PATHS.json}">${w.export.json}</button>
  </div>
</form>
${options.count === undefined ? '' : html`<p role="status"><strong>${w.export.counted(formatCount(lang, options.count))}</strong></p>`}
<ul>
  <li>${w.export.csvNote}</li>
  <li>${w.export.xlsxNote}</li>
  <li>${w.export.jsonNote}</li>
  <li>${w.export.timesNote}</li>
</ul>`,
  });
}

// ---------------------------------------------------------------- import

/** The path the import page posts the file to. */
export const IMPORT_PATH = '/api/v1/admin/imports';

/** Reads the chosen file, posts it as JSON and shows the summary, all with textContent (never markup). */
const IMPORT_SCRIPT = `
(function () {
  var words = JSON.parse(document.getElementById('import-words').textContent);
  var form = document.getElementById('import-form');
  var status = document.getElementById('import-status');
  var result = document.getElementById('import-result');
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); return e; }
  function row(table, cells, head) { var tr = el('tr'); cells.forEach(function (c) { tr.appendChild(el(head ? 'th' : 'td', c)); }); table.appendChild(tr); }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    result.replaceChildren();
    var file = form.elements.file.files[0];
    if (!file) { status.textContent = words.noFile; return; }
    var button = form.querySelector('button');
    button.disabled = true;
    status.textContent = words.working;
    file.text().then(function (text) {
      try { JSON.parse(text); } catch (e) { throw { message: words.notJson }; }
      var device = form.elements.device.value;
      return fetch(${JSON.stringify(IMPORT_PATH)} + (device ? '?device=' + encodeURIComponent(device) : ''), {
        method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: text
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status === 401) throw { message: words.signedOut };
          if (!response.ok) throw { message: words.failed + ' ' + (body.message || response.status) };
          return body;
        });
      }, function () { throw { message: words.network }; });
    }).then(function (s) {
      status.textContent = '';
      result.appendChild(el('h2', words.resultHeading));
      var at = new Date(s.exportedAt).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
      result.appendChild(el('p', words.fileOf.replace('{kiosk}', s.kioskId).replace('{at}', at)));
      var table = el('table');
      table.className = 'compact';
      [['total', s.total], ['created', s.created], ['duplicate', s.duplicate], ['conflict', s.conflict], ['rejected', s.rejected]].forEach(function (pair) {
        var tr = el('tr'); tr.appendChild(el('th', words[pair[0]])); var td = el('td', pair[1]); td.className = 'num'; tr.appendChild(td); table.appendChild(tr);
      });
      result.appendChild(table);
      if (s.problems.length) {
        result.appendChild(el('h3', words.problemsHeading));
        var list = el('table');
        row(list, [words.index, words.responseId, words.outcome, words.reason], true);
        s.problems.forEach(function (p) { row(list, [p.index + 1, p.id || '—', words[p.status], p.reason]); });
        result.appendChild(list);
      }
    }).catch(function (error) {
      status.textContent = (error && error.message) || words.network;
    }).then(function () { button.disabled = false; });
  });
})();
`;

export function importPage(ctx: PageContext, options: { devices: DeviceRecord[] }): Html {
  const { w } = ctx;
  const words = {
    ...w.import,
    fileOf: w.import.fileOf('{kiosk}', '{at}'),
  };
  return page(ctx, {
    title: w.import.title,
    active: 'import',
    body: html`<p class="lead">${w.import.intro}</p>
<form class="stack" id="import-form" method="post" action="${IMPORT_PATH}">
  <label>${w.import.file}<input type="file" name="file" accept=".json,application/json" required></label>
  <label>${w.import.device}<span class="hint">${w.import.deviceHint}</span>
    <select name="device"><option value="">${w.import.noDevice}</option>${options.devices.map(
      (d) => html`<option value="${d.id}">${d.label} (${d.agencyCode} / ${d.counterCode})</option>`,
    )}</select>
  </label>
  <div class="actions"><button type="submit">${w.import.submit}</button></div>
</form>
<p id="import-status" role="status" aria-live="polite"></p>
<div id="import-result"></div>
<script type="application/json" id="import-words">${jsonForScript(words)}</script>`,
    script: IMPORT_SCRIPT,
  });
}

// ---------------------------------------------------------------- errors

export function errorPage(ctx: PageContext, message: string): Html {
  return page(ctx, { title: ctx.w.errors.title, body: html`<p class="error">${message}</p><p><a href="/admin/fleet">${ctx.w.nav.fleet}</a></p>` });
}
