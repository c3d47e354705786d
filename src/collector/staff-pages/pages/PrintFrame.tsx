/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * What only the printed report shows (issue 11, part 7): the letterhead of a Vietnamese
 * administrative document (the governing body and the unit on the left, the national name and motto
 * on the right), the title, scope and date; the signature block at the end; and the page numbers in
 * the page's margin boxes, which the browser's own print dialog fills in (Chromium prints @page margin
 * boxes since version 131), so a clerk printing from the menu gets them too. Hidden on screen.
 */
import type { SipasReport } from '../report';
import { reportDateParts, reportLetterhead, reportPeriodText } from '../report-xlsx';
import type { PageContext } from './context';
import type { ReportPlaces } from './ReportPlaces';

/** The letterhead, the title and the scope line, above everything else on paper. */
export function PrintLetterhead({ ctx, report, places }: { ctx: PageContext; report: SipasReport; places?: ReportPlaces }) {
  const { t } = ctx;
  const head = reportLetterhead(places?.tree, report.query.agency, t);
  return (
    <header class="print-only print-letterhead">
      <PrintPageNumbers ctx={ctx} />
      <div class="letterhead-row">
        <div class="letterhead-issuer">
          <p>{head.governing}</p>
          {head.unit ? <p class="strong">{head.unit}</p> : null}
        </div>
        <div class="letterhead-nation">
          <p class="strong">{t('reportDocument.letterhead.nation').toLocaleUpperCase('vi')}</p>
          <p class="strong motto">{t('reportDocument.letterhead.motto')}</p>
        </div>
      </div>
      <p class="print-title">{t('reportDocument.title').toLocaleUpperCase('vi')}</p>
      {/* The period under the title, as official reports put it; the page's own scope line follows with the filters in full. */}
      <p class="print-scope">{t('reportDocument.period', { period: reportPeriodText(t, report) })}</p>
    </header>
  );
}

/** The date line and the two signatures, at the end on paper. */
export function PrintSignature({ ctx, report, places }: { ctx: PageContext; report: SipasReport; places?: ReportPlaces }) {
  const { t } = ctx;
  const head = reportLetterhead(places?.tree, report.query.agency, t);
  const date = t('reportDocument.signature.date', {
    place: head.place ?? t('reportDocument.signature.blankPlace'),
    ...reportDateParts(report.generatedAt),
  });
  return (
    <section
      class="print-only print-signature"
      aria-label={`${t('reportDocument.signature.preparer')} · ${t('reportDocument.signature.head')}`}
    >
      <p class="signature-date">{date}</p>
      <div class="signature-row">
        <div>
          <p class="strong">{t('reportDocument.signature.preparer').toLocaleUpperCase('vi')}</p>
          <p class="hint">{t('reportDocument.signature.preparerHint')}</p>
        </div>
        <div>
          <p class="strong">{t('reportDocument.signature.head').toLocaleUpperCase('vi')}</p>
          <p class="hint">{t('reportDocument.signature.headHint')}</p>
        </div>
      </div>
    </section>
  );
}

/** A text as a CSS string literal: quotes, backslashes and anything that could end the style element escaped. */
function cssString(text: string): string {
  return `"${text.replace(/[\\"<>\n\r]/g, (ch) => `\\${ch.codePointAt(0)!.toString(16)} `)}"`;
}

/**
 * "Trang 2/5" in the bottom margin of every printed page: the translated words around CSS's page
 * counters (the words differ by language, so this rule is written per page, not in the constant
 * stylesheet).
 */
export function pageNumberCss(t: PageContext['t']): string {
  const PAGE = '\u0001';
  const PAGES = '\u0002';
  const words = t('reportDocument.page', { page: PAGE, pages: PAGES });
  const content = words
    .split(/(\u0001|\u0002)/)
    .filter((part) => part !== '')
    .map((part) => (part === PAGE ? 'counter(page)' : part === PAGES ? 'counter(pages)' : cssString(part)))
    .join(' ');
  return `@page { @bottom-center { content: ${content}; font-family: system-ui, "Noto Sans", Arial, sans-serif; font-size: 9pt; color: #333; } }`;
}

function PrintPageNumbers({ ctx }: { ctx: PageContext }) {
  // Our own words in a CSS string literal (cssString): nothing here is HTML to escape.
  return <style dangerouslySetInnerHTML={{ __html: pageNumberCss(ctx.t) }} />;
}
