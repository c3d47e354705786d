/*
 * The SIPAS report page: the filters, the overall index, the five components as a bar chart and a
 * table, every item with n, the counts at each level and the share not applicable, the month-by-month
 * trend, the integrity and priority questions, recent comments, and the method in one paragraph.
 * It renders a SipasReport as it is: no number is computed here, only formatted.
 */
import type { SurveyDefinition } from '../../shared/survey';
import { barChart, trendChart } from './charts';
import { SERVICE_FIELD_QUESTION } from './filters';
import { html, type Html } from './html';
import { formatCount, formatDateTime, formatDay, formatMonth, formatPct, formatShare } from './i18n';
import { page, type PageContext } from './layout';
import { filterFields, localized, problemsBox, type FilterFormOptions } from './pages';
import { REPORT_CHOICE_SECTIONS, type SipasReport } from './report';

/** Path of the report's JSON twin. */
export const REPORT_API_PATH = '/api/v1/admin/report';

export function reportPage(
  ctx: PageContext,
  options: FilterFormOptions & { report: SipasReport | null; problems: string[]; definition: SurveyDefinition | undefined },
): Html {
  const { w } = ctx;
  const query = new URLSearchParams(Object.entries(options.values).filter(([k]) => k !== 'lang')).toString();
  return page(ctx, {
    title: w.report.title,
    active: 'report',
    body: html`${problemsBox(ctx, options.problems)}
<form class="filters" method="get" action="/admin/report">
  ${filterFields(ctx, options)}
  <div class="actions">
    <button type="submit">${w.report.show}</button>
    ${options.report ? html`<button type="button" class="secondary" data-print>${w.report.print}</button>
    <a class="button secondary" href="${REPORT_API_PATH}${query ? `?${query}` : ''}">${w.report.json}</a>` : ''}
  </div>
</form>
${options.report ? reportBody(ctx, options.report, options.definition) : ''}`,
  });
}

function scopeLine(ctx: PageContext, report: SipasReport): Html {
  const { w, lang } = ctx;
  const q = report.query;
  const parts: Array<[string, string]> = [
    [w.filters.definition, `${report.definition.id}${q.version ? ` (${w.filters.versionLabel(Number(q.version))})` : ''}`],
    [w.filters.agency, q.agency ?? w.layout.all],
    [w.filters.counter, q.counter ?? w.layout.all],
  ];
  if (q.field) parts.push([w.filters.field, q.field]);
  const period =
    q.from || q.to ? w.report.period(q.from ? formatDay(q.from) : '…', q.to ? formatDay(q.to) : '…') : w.report.wholeTime;
  parts.push([w.report.scope, period], [w.report.generatedAt, formatDateTime(lang, report.generatedAt)]);
  return html`<p>${parts.map(([k, v], i) => html`${i ? ' · ' : ''}<strong>${k}:</strong> ${v}`)}</p>`;
}

function reportBody(ctx: PageContext, report: SipasReport, definition: SurveyDefinition | undefined): Html {
  const { w, lang } = ctx;
  const count = (n: number) => formatCount(lang, n);
  const pct = (p: number | null) => formatPct(lang, p);
  const fieldText = (() => {
    const code = report.query.field;
    if (!code || !definition) return undefined;
    const question = definition.sections.flatMap((s) => s.questions).find((q) => q.id === SERVICE_FIELD_QUESTION);
    return question && question.kind === 'single' ? localized(question.options.find((o) => o.code === code)?.label, lang) : undefined;
  })();
  const shownReport = fieldText ? { ...report, query: { ...report.query, field: fieldText } } : report;

  if (report.responses === 0) {
    return html`${scopeLine(ctx, shownReport)}<p class="note">${w.report.noData}</p>
${report.excludedPartial ? html`<p>${w.report.partial(count(report.excludedPartial))}</p>` : ''}`;
  }

  const bars = report.components.map((c) => ({
    label: `${c.component}. ${localized(c.title, lang)}`,
    value: c.percent,
    valueText: c.percent === null ? w.report.noValue : pct(c.percent),
  }));

  const levelHeads = report.scale.map((s) => html`<th class="num" title="${localized(s.label, lang)}">${s.code}<span class="hint">${localized(s.label, lang)}</span></th>`);

  const items = report.components.map(
    (c) => html`<h3>${c.component}. ${localized(c.title, lang)} — ${pct(c.percent)}</h3>
<table>
<thead><tr><th>${w.report.code}</th><th>${w.report.question}</th><th class="num">${w.report.percent}</th><th class="num">${w.report.valid}</th>${levelHeads}<th class="num">${w.report.notApplicable}</th><th class="num">${w.report.skipped}</th></tr></thead>
<tbody>${c.items.map(
      (item) => html`<tr>
  <td>${item.questionId}</td>
  <td class="text">${item.shortLabel ? html`<strong>${localized(item.shortLabel, lang)}</strong><br><span class="hint">${localized(item.text, lang)}</span>` : localized(item.text, lang)}</td>
  <td class="num"><strong>${pct(item.percent)}</strong></td>
  <td class="num">${count(item.valid)}</td>
  ${item.counts.map((n) => html`<td class="num">${count(n)}</td>`)}
  <td class="num">${formatShare(lang, item.shareNotApplicable)} (${count(item.notApplicable)})</td>
  <td class="num">${count(item.skipped)}</td>
</tr>`,
    )}</tbody>
</table>`,
  );

  const trendMarks = report.trend.map((t) => ({
    label: formatMonth(t.month),
    sublabel: `n=${count(t.responses)}`,
    value: t.percent,
    valueText: t.percent === null ? '' : formatPct(lang, t.percent, 1),
  }));

  const choiceSections = (definition?.sections ?? []).filter((s) => (REPORT_CHOICE_SECTIONS as readonly string[]).includes(s.id));
  const choices = choiceSections.map((section) => {
    const inSection = report.choices.filter((c) => c.sectionId === section.id && c.kind === 'single');
    if (inSection.length === 0) return html``;
    const options = inSection[0].options;
    const sameOptions = inSection.every((c) => c.options.map((o) => o.code).join() === options.map((o) => o.code).join());
    return html`<h3>${localized(section.title, lang)}</h3>
<table>
<thead><tr><th>${w.report.question}</th>${sameOptions ? options.map((o) => html`<th class="num">${localized(o.label, lang)}</th>`) : html`<th>${w.report.percent}</th>`}<th class="num">${w.report.answered}</th><th class="num">${w.report.unanswered}</th></tr></thead>
<tbody>${inSection.map(
      (c) => html`<tr>
  <td>${c.questionId}. ${localized(c.text, lang)}</td>
  ${
    sameOptions
      ? c.options.map((o) => html`<td class="num">${formatShare(lang, o.shareOfAnswered)} (${count(o.count)})</td>`)
      : html`<td>${c.options.map((o, i) => html`${i ? '; ' : ''}${localized(o.label, lang)}: ${formatShare(lang, o.shareOfAnswered)} (${count(o.count)})`)}</td>`
  }
  <td class="num">${count(c.answered)}</td>
  <td class="num">${count(c.asked - c.answered)}</td>
</tr>`,
    )}</tbody>
</table>`;
  });

  return html`${scopeLine(ctx, shownReport)}
<section aria-labelledby="overall">
  <h2 id="overall">${w.report.overall}</h2>
  <p><span class="big">${pct(report.percent)}</span> ${w.report.basedOn(count(report.responses))}${
    report.excludedPartial ? html` · ${w.report.partial(count(report.excludedPartial))}` : ''
  }</p>
</section>
<section aria-labelledby="method">
  <h2 id="method">${w.report.methodHeading}</h2>
  <p class="note">${w.report.method}</p>
</section>
<section aria-labelledby="components">
  <h2 id="components">${w.report.componentsHeading}</h2>
  <figure>${barChart(bars, w.report.chartLabel)}<figcaption>${w.report.chartCaption}</figcaption></figure>
  <table>
  <thead><tr><th>${w.report.component}</th><th class="num">${w.report.percent}</th><th class="num">${w.report.respondents}</th><th class="num">${w.report.itemsDefined}</th></tr></thead>
  <tbody>${report.components.map(
    (c) => html`<tr><td>${c.component}. ${localized(c.title, lang)}</td><td class="num"><strong>${pct(c.percent)}</strong></td><td class="num">${count(c.respondents)}</td><td class="num">${c.itemsDefined} / ${c.items.length}</td></tr>`,
  )}</tbody>
  </table>
</section>
<section aria-labelledby="items">
  <h2 id="items">${w.report.itemsHeading}</h2>
  ${items}
</section>
<section aria-labelledby="trend">
  <h2 id="trend">${w.report.trendHeading}</h2>
  <figure>${trendChart(trendMarks, w.report.trendLabel)}<figcaption>${w.report.trendCaption}</figcaption></figure>
  <table>
  <thead><tr><th>${w.report.month}</th><th class="num">${w.report.responses}</th><th class="num">${w.report.index}</th></tr></thead>
  <tbody>${report.trend.map((t) => html`<tr><td>${formatMonth(t.month)}</td><td class="num">${count(t.responses)}</td><td class="num">${pct(t.percent)}</td></tr>`)}</tbody>
  </table>
</section>
${
  choiceSections.length
    ? html`<section aria-labelledby="choices">
  <h2 id="choices">${w.report.choicesHeading}</h2>
  <p class="hint">${w.report.choicesNote}</p>
  ${choices}
</section>`
    : ''
}
${
  report.comments.length
    ? html`<section aria-labelledby="comments">
  <h2 id="comments">${w.report.commentsHeading}</h2>
  <p class="hint">${w.report.commentsNote(report.comments.length)}</p>
  <table>
  <thead><tr><th>${w.report.when}</th><th>${w.report.place}</th><th>${w.report.comment}</th></tr></thead>
  <tbody>${report.comments.map(
    (c) => html`<tr><td>${formatDateTime(lang, c.completedAt)}</td><td>${c.agencyCode} / ${c.counterCode}</td><td>${c.text}</td></tr>`,
  )}</tbody>
  </table>
</section>`
    : ''
}`;
}
