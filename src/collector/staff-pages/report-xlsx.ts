/*
 * The report as a document (issue 11, part 7): report.xlsx, one sheet per table of the report page,
 * and the letterhead that the workbook's title block and the printed page share. Nothing is computed
 * here: every figure is the SipasReport's or the RankingReport's, only laid out.
 *
 * Percentages: every share is stored as a fraction (0.9512) with a % number format ('0.00%'), never
 * as 95.12 with a literal "%": the cell is then a real Excel percentage, which sums, averages and
 * charts as one, switches to other % formats from the Format menu, and reads "95,12%" under
 * Vietnamese regional settings. Figures resting on fewer than minValid answers get '0%' (no
 * decimals, as on the page) while the cell keeps the exact value. Gaps and changes are percentage
 * points, plain signed numbers ('+0.00;-0.00;0.00'), since a difference of percentages is not a share.
 */
import type ExcelJS from 'exceljs';
import { excel } from './excel';
import { formatDateTime, formatDay, localize, vietnamDay } from '../../shared/l10n';
import type { LocalizedText, SurveyDefinition } from '../../shared/survey';
import { staffT, type Lang, type StaffT } from './i18n';
import { counterText, methodParagraphs, periodLabel, unitText, type PageContext, type ReportPlaces } from './pages';
import type { RankingReport, RankingRow } from './ranking';
import type { SipasReport } from './report';
import { targetGap, componentFigure, type UnitTree } from './units';

/** The workbook's sheets, in order: Vietnamese names (≤ 31 characters, none of \ / ? * [ ] :), the same in every language so scripts find them. */
export const REPORT_SHEETS = {
  headline: 'Chỉ số chung',
  components: 'Yếu tố',
  items: 'Tiêu chí',
  ranking: 'Xếp hạng đơn vị',
  trend: 'Xu hướng',
  choices: 'Quy trình, liêm chính, ưu tiên',
  method: 'Phương pháp',
} as const;
export type ReportSheet = keyof typeof REPORT_SHEETS;

/** Row of each sheet's header: rows 1–3 are the title block, row 4 is blank. */
export const REPORT_HEADER_ROW = 5;
/** Number formats of the report's cells. */
export const REPORT_FORMATS = {
  percent: '0.00%',
  /** A figure resting on fewer than minValid answers: no decimals ("ít phiếu"). */
  percentLowN: '0%',
  points: '+0.00;-0.00;0.00',
  count: '#,##0',
  day: 'dd/mm/yyyy',
} as const;

/** The two lines above the title of the printed report and the place of its date line. */
export interface ReportLetterhead {
  /** The governing body in capitals: "ỦY BAN NHÂN DÂN TỈNH BẮC NINH" from the tree's root, or a line to fill in by hand. */
  governing: string;
  /** The unit reported on, in capitals; null when the report is the whole province's. */
  unit: string | null;
  /** The place of the date line ("Bắc Ninh"), null when the tree does not say. */
  place: string | null;
}

/** A root already named as the committee ("UBND tỉnh …", "Ủy ban nhân dân …") is printed as it is named. */
const COMMITTEE_NAME = /^(?:ủy|uỷ)\s+ban\s+nhân\s+dân\b|^ubnd\b/iu;
/** A province's name with its prefix, for the date line's place ("Tỉnh Bắc Ninh" → "Bắc Ninh"). */
const PROVINCE_PREFIX = /^(?:(?:ủy|uỷ)\s+ban\s+nhân\s+dân\s+|ubnd\s+)?(?:tỉnh|thành\s+phố|tp\.?)\s+/iu;

const upper = (text: string) => text.toLocaleUpperCase('vi');

/**
 * The letterhead, from the unit tree (no province is written in code): the first line is the
 * People's Committee of the root of the tree above the unit reported on (a root of kind province;
 * another root is printed by its own name); the second line is the unit reported on. An empty tree,
 * or several roots with no unit chosen, leaves the first line to be filled in by hand.
 */
export function reportLetterhead(tree: UnitTree | undefined, agency: string | undefined, t: StaffT): ReportLetterhead {
  const known = agency !== undefined && tree?.unit(agency) !== undefined;
  const root =
    !tree || tree.isEmpty
      ? undefined
      : known
        ? (tree.ancestors(agency!).at(-1) ?? tree.unit(agency!))
        : tree.roots.length === 1
          ? tree.roots[0].unit
          : undefined;
  let governing = t('reportDocument.letterhead.blank');
  let place: string | null = null;
  if (root) {
    governing =
      root.kind !== 'province' || COMMITTEE_NAME.test(root.name)
        ? root.name
        : t('reportDocument.letterhead.committee', { name: root.name });
    if (root.kind === 'province') place = root.name.replace(PROVINCE_PREFIX, '').trim() || null;
  }
  const unit = agency === undefined || agency === root?.code ? null : known ? tree!.displayName(agency) : agency;
  return { governing: upper(governing), unit: unit === null ? null : upper(unit), place };
}

/** The date line's parts: the day the report was made, in Vietnam. */
export function reportDateParts(generatedAt: string): { d: string; m: string; y: string } {
  const day = vietnamDay(generatedAt);
  return { d: day.slice(8, 10), m: day.slice(5, 7), y: day.slice(0, 4) };
}

/** The report's scope in words: questionnaire and versions, unit, counter, field, what was left out. */
export function reportScopeText(
  ctx: PageContext,
  report: SipasReport,
  places: ReportPlaces | undefined,
  fieldLabel: string | undefined,
): string {
  const { t } = ctx;
  const q = report.query;
  const parts = [
    `${t('filters.definition')}: ${report.definition.id} (${report.versions.covered.map((v) => t('filters.versionLabel', { v })).join(', ')})`,
    `${t('filters.agency')}: ${q.agency !== undefined ? unitText(ctx, places, q.agency) : t('layout.all')}`,
    `${t('filters.counter')}: ${q.counter !== undefined ? counterText(ctx, places, q.agency ?? '', q.counter) : t('layout.all')}`,
  ];
  if (q.field !== undefined) parts.push(`${t('filters.field')}: ${fieldLabel ?? q.field}`);
  if (report.flags.excluded.length > 0)
    parts.push(`${t('report.flags.exclude')}: ${report.flags.excluded.map((flag) => t(`report.flags.${flag}`)).join(', ')}`);
  return parts.join(' · ');
}

/** The report's period in words ("Quý 1/2026", "01/03/2026 – 31/03/2026", "toàn bộ thời gian"). */
export function reportPeriodText(t: StaffT, report: SipasReport): string {
  const q = report.query;
  if (q.period) return periodLabel(t, q.period);
  if (q.from || q.to) return t('report.period', { from: q.from ? formatDay(q.from) : '…', to: q.to ? formatDay(q.to) : '…' });
  return t('report.wholeTime');
}

/** The service field's label in the shown definition, when the report is filtered by one. */
export function fieldLabelOf(report: SipasReport, definition: SurveyDefinition | undefined, lang: Lang): string | undefined {
  const code = report.query.field;
  if (!code || !definition) return undefined;
  const question = definition.sections.flatMap((s) => s.questions).find((qq) => qq.id === 'FIELD');
  const label = question && question.kind === 'single' ? question.options.find((o) => o.code === code)?.label : undefined;
  return label ? localize(label, lang) : undefined;
}

/** What report.xlsx is made from. */
export interface ReportDocumentInput {
  report: SipasReport;
  /** The units ranking for the same filters; null when it cannot be made (then `rankingProblem` says why). */
  ranking: RankingReport | null;
  rankingProblem?: string | null;
  places?: ReportPlaces;
  /** The version the report shows (section titles, field labels). */
  definition?: SurveyDefinition;
  lang: Lang;
}

type Cell = string | number | Date | null;
interface ColumnSpec {
  header: string;
  width: number;
  /** The column's number format (a cell may override it). */
  numFmt?: string;
  wrap?: boolean;
}
interface SheetRow {
  cells: Cell[];
  /** Number formats of single cells, by column index. */
  formats?: Record<number, string>;
}

/** A percentage (0–100) as the fraction the cell stores. */
const fraction = (percent: number | null | undefined): number | null => (percent === null || percent === undefined ? null : percent / 100);
/** A day (YYYY-MM-DD) as a date cell: exceljs writes a Date by its UTC fields, so UTC midnight is that day. */
const dayCell = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
const percentFormat = (lowN: boolean) => (lowN ? REPORT_FORMATS.percentLowN : REPORT_FORMATS.percent);

/**
 * Adds one sheet: the title block (organisation, title and table, period · made at · scope), a
 * blank row, the header row frozen, the rows, an autofilter over the table (not on the method's
 * paragraphs, which are no table), column widths and formats.
 */
function addTableSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  title: readonly string[],
  columns: readonly ColumnSpec[],
  rows: readonly SheetRow[],
  options: { filter?: boolean; notes?: readonly string[] } = {},
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: REPORT_HEADER_ROW, xSplit: 0 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  sheet.columns = columns.map((c) => ({ width: c.width, ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}) }));
  title.forEach((line, i) => {
    const cell = sheet.getCell(i + 1, 1);
    cell.value = line;
    cell.font = { bold: i === 1, size: i === 1 ? 13 : 11 };
  });
  const header = sheet.getRow(REPORT_HEADER_ROW);
  header.values = columns.map((c) => c.header);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF1F3F5' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  rows.forEach((row, i) => {
    const sheetRow = sheet.getRow(REPORT_HEADER_ROW + 1 + i);
    row.cells.forEach((value, j) => {
      const cell = sheetRow.getCell(j + 1);
      cell.value = value;
      const numFmt = row.formats?.[j] ?? columns[j]?.numFmt;
      if (numFmt) cell.numFmt = numFmt;
      if (columns[j]?.wrap) cell.alignment = { wrapText: true, vertical: 'top' };
    });
  });
  (options.notes ?? []).forEach((note, i) => {
    sheet.getCell(REPORT_HEADER_ROW + rows.length + 2 + i, 1).value = note;
  });
  if (options.filter !== false) {
    sheet.autoFilter = {
      from: { row: REPORT_HEADER_ROW, column: 1 },
      to: { row: REPORT_HEADER_ROW + Math.max(rows.length, 1), column: columns.length },
    };
  }
  return sheet;
}

/** The workbook of a report, as an exceljs Workbook (tests read it back; the route writes it out). */
export function reportWorkbook(input: ReportDocumentInput): ExcelJS.Workbook {
  const { report, ranking, places, definition, lang } = input;
  const t = staffT(lang);
  // The words of the page in that language, without a page (no nonce, no URL).
  const ctx: PageContext = { lang, t, nonce: '', url: '', signedIn: true };
  const text = (value: LocalizedText | undefined | null) => (value ? localize(value, lang) : '');
  const targets = places?.targets ?? {};
  const minValid = report.figures.minValid;
  const letterhead = reportLetterhead(places?.tree, report.query.agency, t);
  const organisation = [letterhead.governing, letterhead.unit].filter((line): line is string => line !== null).join(' — ');
  const facts = [
    t('reportDocument.period', { period: reportPeriodText(t, report) }),
    t('reportDocument.generatedAt', { at: formatDateTime(lang, report.generatedAt) }),
    t('reportDocument.scope', { scope: reportScopeText(ctx, report, places, fieldLabelOf(report, definition, lang)) }),
  ].join(' · ');
  const titleOf = (sheet: ReportSheet) => [organisation, `${t('reportDocument.title')} — ${t(`reportDocument.sheets.${sheet}`)}`, facts];
  const c = (key: string, values?: Record<string, string | number>) =>
    t(`reportDocument.columns.${key}` as 'reportDocument.columns.n', values ?? {});
  const lowNText = (lowN: boolean) => (lowN ? t('figures.lowN') : null);
  const metText = (gap: ReturnType<typeof targetGap>) =>
    gap === null ? null : gap.met ? t('reportDocument.values.met') : t('reportDocument.values.missed');

  const workbook = new (excel().Workbook)();
  workbook.creator = 'SIPAS kiosk collector';
  workbook.created = new Date(report.generatedAt);

  // Headline: the overall index against its target.
  const overallGap = targetGap(report.percent, targets.overall?.value);
  addTableSheet(
    workbook,
    REPORT_SHEETS.headline,
    titleOf('headline'),
    [
      { header: c('figure'), width: 28 },
      { header: c('percent'), width: 14 },
      { header: c('n'), width: 12, numFmt: REPORT_FORMATS.count },
      { header: c('shareNotApplicable'), width: 14, numFmt: REPORT_FORMATS.percent },
      { header: c('target'), width: 12, numFmt: REPORT_FORMATS.percent },
      { header: c('gap'), width: 18, numFmt: REPORT_FORMATS.points },
      { header: c('met'), width: 12 },
      { header: c('lowN'), width: 12 },
    ],
    [
      {
        cells: [
          t('reportDocument.values.overall'),
          fraction(report.percent),
          report.figures.n,
          report.figures.shareNotApplicable,
          fraction(targets.overall?.value),
          overallGap?.gapPp ?? null,
          metText(overallGap),
          lowNText(report.figures.lowN),
        ],
        formats: { 1: percentFormat(report.figures.lowN) },
      },
    ],
  );

  // Components.
  addTableSheet(
    workbook,
    REPORT_SHEETS.components,
    titleOf('components'),
    [
      { header: c('component'), width: 10 },
      { header: c('componentName'), width: 40, wrap: true },
      { header: c('percent'), width: 14 },
      { header: c('n'), width: 12, numFmt: REPORT_FORMATS.count },
      { header: c('shareNotApplicable'), width: 14, numFmt: REPORT_FORMATS.percent },
      { header: c('target'), width: 12, numFmt: REPORT_FORMATS.percent },
      { header: c('gap'), width: 18, numFmt: REPORT_FORMATS.points },
      { header: c('met'), width: 12 },
      { header: c('lowN'), width: 12 },
      { header: c('itemsDefined'), width: 14 },
      { header: c('items'), width: 10 },
    ],
    report.components.map((component) => {
      const figure = componentFigure(component.component);
      const target = figure === undefined ? undefined : targets[figure]?.value;
      const gap = targetGap(component.percent, target);
      return {
        cells: [
          component.component,
          text(component.title),
          fraction(component.percent),
          component.n,
          component.shareNotApplicable,
          fraction(target),
          gap?.gapPp ?? null,
          metText(gap),
          lowNText(component.lowN),
          component.itemsDefined,
          component.items.length,
        ],
        formats: { 2: percentFormat(component.lowN) },
      };
    }),
  );

  // Items, with the counts at each level of the scale.
  const levels = report.scale.map((s) => ({
    header: c('level', { code: s.code, label: text(s.label) }),
    width: 11,
    numFmt: REPORT_FORMATS.count,
  }));
  addTableSheet(
    workbook,
    REPORT_SHEETS.items,
    titleOf('items'),
    [
      { header: c('component'), width: 10 },
      { header: c('code'), width: 10 },
      { header: c('shortName'), width: 24, wrap: true },
      { header: c('text'), width: 60, wrap: true },
      { header: c('percent'), width: 13 },
      { header: c('valid'), width: 12, numFmt: REPORT_FORMATS.count },
      { header: c('low'), width: 12 },
      { header: c('high'), width: 12 },
      { header: c('lowN'), width: 10 },
      { header: c('satisfied'), width: 12, numFmt: REPORT_FORMATS.count },
      ...levels,
      { header: c('notApplicable'), width: 12, numFmt: REPORT_FORMATS.count },
      { header: c('skipped'), width: 10, numFmt: REPORT_FORMATS.count },
    ],
    report.components.flatMap((component) =>
      component.items.map((item) => ({
        cells: [
          component.component,
          item.questionId,
          item.shortLabel ? text(item.shortLabel) : null,
          text(item.text),
          fraction(item.percent),
          item.valid,
          fraction(item.interval?.low),
          fraction(item.interval?.high),
          lowNText(item.lowN),
          item.satisfied,
          ...item.counts,
          item.notApplicable,
          item.skipped,
        ],
        // The interval's bounds print with one decimal (none with few answers), as on the page.
        formats: {
          4: percentFormat(item.lowN),
          6: item.lowN ? REPORT_FORMATS.percentLowN : '0.0%',
          7: item.lowN ? REPORT_FORMATS.percentLowN : '0.0%',
        },
      })),
    ),
  );

  // The units ranking (the ranking module's table, in its order: by rank).
  const rankingRows = ranking?.rows ?? [];
  const rankingMin = ranking?.minValid ?? minValid;
  const levelOf = (row: RankingRow): string => {
    if (row.kind === 'counter' || row.kind === 'direct') return t('units.kinds.counter');
    if (row.kind === 'unplaced') return t('reportDocument.values.unplaced');
    const kind = places?.tree.unit(row.key)?.kind;
    return kind ? t(`units.kinds.${kind}`) : '';
  };
  const rankingNotes: string[] = [];
  if (ranking) {
    const p = ranking.periods;
    rankingNotes.push(
      t('reportDocument.rankingScope', {
        unit: ranking.unit.name ?? t('reportDocument.rankingTop'),
        from: formatDay(p.current.from),
        to: formatDay(p.current.to),
        pfrom: formatDay(p.previous.from),
        pto: formatDay(p.previous.to),
        yfrom: formatDay(p.yearAgo.from),
        yto: formatDay(p.yearAgo.to),
        min: rankingMin,
      }),
    );
    if (report.query.counter !== undefined) rankingNotes.push(t('reportDocument.rankingCounter'));
  } else if (input.rankingProblem) rankingNotes.push(input.rankingProblem);
  addTableSheet(
    workbook,
    REPORT_SHEETS.ranking,
    titleOf('ranking'),
    [
      { header: c('rank'), width: 7 },
      { header: c('name'), width: 36, wrap: true },
      { header: c('unitLevel'), width: 22, wrap: true },
      { header: c('parentUnit'), width: 24, wrap: true },
      { header: c('n'), width: 11, numFmt: REPORT_FORMATS.count },
      { header: c('overall'), width: 12 },
      ...[1, 2, 3, 4, 5].map((k) => ({ header: c('componentK', { k }), width: 11 })),
      { header: c('target'), width: 11, numFmt: REPORT_FORMATS.percent },
      { header: c('gap'), width: 16, numFmt: REPORT_FORMATS.points },
      { header: c('ranked'), width: 22, wrap: true },
      { header: c('previous'), width: 12 },
      { header: c('changePrevious'), width: 16, numFmt: REPORT_FORMATS.points },
      { header: c('yearAgo'), width: 12 },
      { header: c('changeYearAgo'), width: 16, numFmt: REPORT_FORMATS.points },
    ],
    rankingRows.map((row) => {
      const lowN = row.n < rankingMin;
      const formats: Record<number, string> = { 5: percentFormat(lowN), 13: REPORT_FORMATS.percent, 15: REPORT_FORMATS.percent };
      row.components.forEach((component, i) => (formats[6 + i] = percentFormat(component.n < rankingMin)));
      return {
        cells: [
          row.rank,
          row.name,
          levelOf(row),
          row.unitName,
          row.n,
          fraction(row.overall),
          ...row.components.map((component) => fraction(component.percent)),
          fraction(row.gaps.overall?.target),
          row.gaps.overall?.gapPp ?? null,
          row.ranked ? t('reportDocument.values.ranked') : row.kind === 'unplaced' ? t('ranking.notInTree') : t('ranking.notRanked'),
          fraction(row.previous),
          row.changePreviousPp,
          fraction(row.yearAgo),
          row.changeYearAgoPp,
        ],
        formats,
      };
    }),
    { notes: rankingNotes },
  );

  // The trend.
  addTableSheet(
    workbook,
    REPORT_SHEETS.trend,
    titleOf('trend'),
    [
      { header: c('period'), width: 16 },
      { header: c('from'), width: 12, numFmt: REPORT_FORMATS.day },
      { header: c('to'), width: 12, numFmt: REPORT_FORMATS.day },
      { header: c('responses'), width: 11, numFmt: REPORT_FORMATS.count },
      { header: c('percent'), width: 14 },
      { header: c('lowN'), width: 10 },
    ],
    report.trend.map((point) => ({
      cells: [
        periodLabel(t, point.period),
        dayCell(point.from),
        dayCell(point.to),
        point.responses,
        fraction(point.percent),
        lowNText(point.lowN),
      ],
      formats: { 4: percentFormat(point.lowN) },
    })),
  );

  // Every choice question (process, channels, integrity, priorities, profile, field): one row per
  // option, then the people asked who gave no answer, so "asked, not answered" is never lost.
  const sectionTitle = (sectionId: string) => text(definition?.sections.find((s) => s.id === sectionId)?.title) || sectionId;
  addTableSheet(
    workbook,
    REPORT_SHEETS.choices,
    titleOf('choices'),
    [
      { header: c('section'), width: 22, wrap: true },
      { header: c('questionCode'), width: 11 },
      { header: c('question'), width: 50, wrap: true },
      { header: c('option'), width: 28, wrap: true },
      { header: c('count'), width: 11, numFmt: REPORT_FORMATS.count },
      { header: c('shareOfAnswered'), width: 14, numFmt: REPORT_FORMATS.percent },
      { header: c('shareOfAsked'), width: 14, numFmt: REPORT_FORMATS.percent },
      { header: c('asked'), width: 11, numFmt: REPORT_FORMATS.count },
      { header: c('answered'), width: 11, numFmt: REPORT_FORMATS.count },
      { header: c('notAskedOff'), width: 14, numFmt: REPORT_FORMATS.count },
      { header: c('notAskedNotApplicable'), width: 14, numFmt: REPORT_FORMATS.count },
    ],
    report.choices.flatMap((choice) => {
      const head = [sectionTitle(choice.sectionId), choice.questionId, text(choice.text)];
      const tail = [choice.asked, choice.answered, choice.notAsked - choice.notApplicable, choice.notApplicable];
      // Shares resting on few respondents asked print without decimals, as on the page.
      const formats = choice.lowN ? { 5: REPORT_FORMATS.percentLowN, 6: REPORT_FORMATS.percentLowN } : undefined;
      return [
        ...choice.options.map((option) => ({
          cells: [...head, text(option.label), option.count, option.shareOfAnswered, option.shareOfAsked, ...tail],
          formats,
        })),
        ...(choice.kind === 'single'
          ? [
              {
                cells: [
                  ...head,
                  t('reportDocument.values.unanswered'),
                  choice.unanswered,
                  null,
                  choice.asked === 0 ? null : choice.unanswered / choice.asked,
                  ...tail,
                ],
                formats,
              },
            ]
          : []),
      ];
    }),
  );

  // The method box, plain, one paragraph a row.
  addTableSheet(
    workbook,
    REPORT_SHEETS.method,
    titleOf('method'),
    [{ header: c('paragraph'), width: 110, wrap: true }],
    [...methodParagraphs(t, minValid), t('reportDocument.formats')].map((paragraph) => ({ cells: [paragraph] })),
    { filter: false },
  );
  return workbook;
}

/** report.xlsx as bytes (a report is a few hundred rows: written whole, not streamed). */
export async function reportXlsxBuffer(input: ReportDocumentInput): Promise<Buffer> {
  return Buffer.from(await reportWorkbook(input).xlsx.writeBuffer());
}
