/*
 * The report on paper (issue 11, part 7), in real Chromium: the report page of a month with data,
 * print-emulated at the printable width of A4 portrait with 2 cm margins (170 mm at 96 dpi), must
 * not overflow it anywhere, and Chromium's own print to PDF (page.pdf with the page's @page size)
 * must carry the letterhead, the title, the page numbers and the signature block.
 */
import { writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFINITIONS_DIR, loadDefinitionsFromDir } from '../../src/build/definitions';
import { readUnitCsv } from '../../src/collector/staff-pages';
import type { SurveyDefinition, SurveyResponse } from '../../src/shared/survey';
import { makeResponse, seedResponses } from '../collector/helpers';
import { launchProfile, removeProfile } from './browser';
import { signInAsStaff, startStaffCollector, type RunningCollector } from './harness';

/** A4 is 210 mm wide; 20 mm margins each side (staff-css.ts @page) leave 170 mm, at 96 CSS px per inch. */
const PRINTABLE_WIDTH_PX = (170 / 25.4) * 96;
const PDF_PATH = '/tmp/report.pdf';
const SCREENSHOT_PATH = '/tmp/report-print.png';

const TREE_CSV = [
  'code,name,parent_code,kind',
  'BN,Tỉnh Bắc Ninh,,province',
  'TTHCC,Trung tâm Phục vụ hành chính công tỉnh,BN,centre',
  'Q1,Quầy 1,TTHCC,counter',
  'Q2,Quầy 2,TTHCC,counter',
].join('\n');

let collector: RunningCollector;
let sipas2023: SurveyDefinition;

/** 45 complete responses in March 2026 answering every question, so every table of the report is full. */
function responses(): SurveyResponse[] {
  const questions = sipas2023.sections.flatMap((s) => s.questions);
  return Array.from({ length: 45 }, (_, i) => {
    const answers: SurveyResponse['answers'] = {};
    for (const [j, q] of questions.entries()) {
      if (q.kind === 'satisfaction') answers[q.id] = ((i + j) % 5) + 1;
      else if (q.kind === 'single')
        answers[q.id] = q.id === 'PA0' ? (i % 3 === 0 ? 'no' : 'yes') : q.options[(i + j) % q.options.length].code;
    }
    // A long comment with one unbroken word: it must wrap, not push the table past the margin.
    if (i % 15 === 0)
      answers.COMMENT = `Cán bộ hướng dẫn rất nhiệt tình, nhưng phải chờ lâu. ${'Rấtlâuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu'.repeat(2)}`;
    return makeResponse({
      definitionId: 'sipas-2023',
      definitionVersion: 1,
      agencyCode: 'TTHCC',
      counterCode: i % 2 === 0 ? 'Q1' : 'Q2',
      seq: i + 1,
      completedAt: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T02:00:00.000Z`,
      answers,
    });
  });
}

beforeAll(async () => {
  sipas2023 = loadDefinitionsFromDir(DEFINITIONS_DIR).definitions.find((d) => d.id === 'sipas-2023' && d.version === 1)!;
  collector = await startStaffCollector();
  const tree = readUnitCsv(TREE_CSV);
  if (!tree.ok) throw new Error('tree CSV');
  await collector.store.writeUnits(tree.inputs, 'import');
  await collector.store.setTarget({
    year: 2026,
    unitCode: null,
    figures: { overall: 95, c1: 95, c2: 97.5, c3: 97, c4: 98.5, c5: 95.5 },
    updatedAt: new Date().toISOString(),
  });
  const all = responses();
  await seedResponses(collector.store, null, all.length, (i) => all[i]);
});

afterAll(async () => {
  await collector.stop();
  collector.cleanup();
});

/**
 * The text of a PDF as Chromium (Skia) writes it: Flate-compressed content streams showing glyph ids
 * of Type0 fonts in hex strings, each font with a ToUnicode CMap. Enough to check what a page says,
 * without a PDF library.
 */
function pdfText(pdf: Buffer): string {
  const latin = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: Buffer | null }>();
  const objectPattern = /(\d+) 0 obj\s*([\s\S]*?)endobj/g;
  for (let m; (m = objectPattern.exec(latin));) {
    const body = m[2];
    const streamAt = body.indexOf('stream');
    let stream: Buffer | null = null;
    const dict = streamAt >= 0 ? body.slice(0, streamAt) : body;
    if (streamAt >= 0) {
      const start = m.index + m[0].indexOf(body) + streamAt + 'stream'.length + (body[streamAt + 6] === '\r' ? 2 : 1);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? -1);
      const raw = pdf.subarray(start, length >= 0 ? start + length : m.index + m[0].lastIndexOf('endstream'));
      stream = /\/FlateDecode/.test(dict) ? inflateSync(raw) : raw;
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  const hex = (h: string) => parseInt(h, 16);
  const utf16 = (h: string) => String.fromCharCode(...(h.match(/.{4}/g) ?? []).map(hex));
  const cmapOf = (text: string): Map<number, string> => {
    const map = new Map<number, string>();
    for (const block of text.match(/beginbfchar([\s\S]*?)endbfchar/g) ?? [])
      for (const [, src, dst] of block.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(hex(src), utf16(dst));
    for (const block of text.match(/beginbfrange([\s\S]*?)endbfrange/g) ?? []) {
      for (const [, lo, hi, dst] of block.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
        for (let code = hex(lo), k = 0; code <= hex(hi); code++, k++) map.set(code, String.fromCharCode(hex(dst) + k));
      }
    }
    return map;
  };
  // Font resource name → its ToUnicode map (Skia names fonts document-wide, /F4 is one font on every page).
  const fonts = new Map<string, Map<number, string>>();
  for (const { dict } of objects.values()) {
    const resources = /\/Font\s*<<([^>]*)>>/.exec(dict)?.[1];
    if (!resources) continue;
    for (const [, name, ref] of resources.matchAll(/\/(\S+?)\s+(\d+) 0 R/g)) {
      const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(Number(ref))?.dict ?? '')?.[1];
      const cmap = toUnicode && objects.get(Number(toUnicode))?.stream;
      if (cmap) fonts.set(name, cmapOf(cmap.toString('latin1')));
    }
  }
  let out = '';
  for (const { stream } of objects.values()) {
    if (!stream) continue;
    const content = stream.toString('latin1');
    if (!/\bTf\b/.test(content)) continue;
    let font: Map<number, string> | undefined;
    for (const [, name, shown] of content.matchAll(/\/(\S+)\s+[\d.]+\s+Tf|(<[0-9A-Fa-f]*>\s*Tj|\[[^\]]*\]\s*TJ)/g)) {
      if (name !== undefined) font = fonts.get(name);
      else if (font)
        for (const [, h] of shown.matchAll(/<([0-9A-Fa-f]*)>/g))
          out += (h.match(/.{4}/g) ?? []).map((g) => font!.get(hex(g)) ?? '').join('');
    }
    out += '\n';
  }
  return out;
}

describe('the report printed on A4', { timeout: 180_000 }, () => {
  it('fits the printable width of A4 portrait and prints with letterhead, page numbers and signatures', async () => {
    const office = await launchProfile();
    try {
      const page = await office.context.newPage();
      await signInAsStaff(page, collector);
      await page.setViewportSize({ width: Math.floor(PRINTABLE_WIDTH_PX), height: 1100 });
      await page.goto(`${collector.url}/admin/report?definition=sipas-2023&period=2026-03&agency=TTHCC`);
      await page.locator('#items').waitFor();
      // The download button is there on screen, with the same filters.
      expect(await page.locator('a[href^="/api/v1/admin/report.xlsx?"]').getAttribute('href')).toContain('period=2026-03');
      expect(await page.locator('.print-letterhead').isVisible()).toBe(false);

      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.print-letterhead').isVisible()).toBe(true);
      expect(await page.locator('header.top').isVisible()).toBe(false);
      expect(await page.locator('form.filters').isVisible()).toBe(false);
      const overflow = await page.evaluate((limit) => {
        const tolerance = 0.5;
        const wide: string[] = [];
        for (const element of Array.from(document.body.querySelectorAll('*'))) {
          const box = element.getBoundingClientRect();
          if (box.width === 0 && box.height === 0) continue;
          if (box.right > limit + tolerance || box.left < -tolerance)
            wide.push(`${element.tagName.toLowerCase()}.${element.className} right ${box.right.toFixed(1)}`);
        }
        const tables = Array.from(document.querySelectorAll('table')).filter(
          (t) => t.getBoundingClientRect().width > (t.parentElement?.clientWidth ?? 0) + tolerance,
        );
        return {
          wide: wide.slice(0, 10),
          tables: tables.length,
          scrollWidth: document.documentElement.scrollWidth,
          tableCount: document.querySelectorAll('table').length,
        };
      }, PRINTABLE_WIDTH_PX);
      expect(overflow.wide).toEqual([]);
      expect(overflow.tables).toBe(0);
      expect(overflow.scrollWidth).toBeLessThanOrEqual(Math.ceil(PRINTABLE_WIDTH_PX));
      expect(overflow.tableCount).toBeGreaterThan(5);
      // Header rows repeat on every page a table runs over; no row is cut in two.
      expect(
        await page
          .locator('#items ~ table thead, section[aria-labelledby="items"] thead')
          .first()
          .evaluate((e) => getComputedStyle(e).display),
      ).toBe('table-header-group');
      expect(
        await page
          .locator('section[aria-labelledby="items"] tbody tr')
          .first()
          .evaluate((e) => getComputedStyle(e).breakInside),
      ).toBe('avoid');
      await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });

      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
      writeFileSync(PDF_PATH, pdf);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
      expect(pages).toBeGreaterThanOrEqual(2);
      // A4 portrait on every page: 210 × 297 mm = 595.3 × 841.9 points.
      const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [
        Number(m[1]),
        Number(m[2]),
      ]);
      expect(boxes).toHaveLength(pages);
      for (const [width, height] of boxes) {
        expect(width).toBeCloseTo((210 / 25.4) * 72, 0);
        expect(height).toBeCloseTo((297 / 25.4) * 72, 0);
      }
      const text = pdfText(pdf).replace(/\s+/g, '');
      const squeezed = (s: string) => s.replace(/\s+/g, '');
      for (const expected of [
        'ỦY BAN NHÂN DÂN TỈNH BẮC NINH',
        'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        'NGƯỜI LẬP BIỂU',
        'THỦ TRƯỞNG ĐƠN VỊ',
        `Trang1/${pages}`,
        `Trang${pages}/${pages}`,
        'BắcNinh,ngày',
      ]) {
        expect(text, expected).toContain(squeezed(expected));
      }
    } finally {
      await office.dispose();
      removeProfile(office.profileDir);
    }
  });
});
