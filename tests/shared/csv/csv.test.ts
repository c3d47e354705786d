import { describe, expect, it } from 'vitest';
import {
  CSV_BOM,
  HEADER_MAX_CHARS,
  METADATA_COLUMNS,
  csvCell,
  csvHeader,
  csvRow,
  responseColumns,
  responsesToCsv,
} from '../../../src/shared/csv';
import type { SurveyResponse } from '../../../src/shared/survey';
import { miniDefinition } from '../../fixtures/mini-definition';

function response(overrides: Partial<SurveyResponse> = {}): SurveyResponse {
  return {
    id: '0b9a3c1e-8f1d-4c59-9d1e-2f2b8c7d6e5a',
    kioskId: '5f6e7d8c-9b0a-4e1f-8a2b-3c4d5e6f7a8b',
    seq: 7,
    definitionId: 'mini',
    definitionVersion: 3,
    locale: 'vi',
    status: 'complete',
    startedAt: '2026-11-21T08:00:00.000Z',
    completedAt: '2026-11-21T08:02:00.000Z',
    durationMs: 120000,
    agencyCode: 'SNV',
    counterCode: 'Q1',
    deviceLabel: 'Quầy 1',
    appVersion: '0.1.0',
    answers: { TC1: 4, TC2: 5, TT1: 2, CC1: 3, KQ1: 1, PA0: 'no', CH1: ['direct', 'online'], COMMENT: 'Nhanh, "tốt"\r\nCảm ơn' },
    flags: { tooFast: false, belowMinInterval: true },
    ...overrides,
  };
}

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line1\nline2', '"line1\nline2"'],
    ['line1\r\nline2', '"line1\r\nline2"'],
    ['', ''],
  ])('quotes %j as RFC 4180 asks', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+84912345678', "'+84912345678"],
    ['-3', "'-3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', '"\'\rcmd"'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
  ])('neutralises the formula start of %j with a single quote', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('leaves formula characters alone when they are not first', () => {
    expect(csvCell('a=b+c-d@e')).toBe('a=b+c-d@e');
  });

  it('writes numbers as numbers, negative ones untouched', () => {
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(4)).toBe('4');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('gives an empty cell for null and undefined', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('keeps Vietnamese diacritics as they are', () => {
    expect(csvCell('Rất hài lòng – Đồng ý, ưu tiên')).toBe('"Rất hài lòng – Đồng ý, ưu tiên"');
    expect(csvCell('Nguyễn Thị Ánh')).toBe('Nguyễn Thị Ánh');
  });
});

describe('responseColumns', () => {
  it('puts the metadata columns first, then every question code in definition order', () => {
    const codes = responseColumns(miniDefinition).map((c) => c.code);
    expect(codes).toEqual([
      'id', 'kioskId', 'seq', 'definitionId', 'definitionVersion', 'status', 'locale', 'agencyCode', 'counterCode',
      'deviceLabel', 'startedAt', 'completedAt', 'durationMs', 'flag_tooFast', 'flag_belowMinInterval',
      'TC1', 'TC2', 'TT1', 'CC1', 'KQ1', 'PA0', 'PA1', 'CH1', 'COMMENT',
    ]);
    expect(METADATA_COLUMNS).toHaveLength(15);
  });

  it('labels question headers with their text, cut to the maximum length', () => {
    const long = structuredClone(miniDefinition);
    long.sections[0].questions[0].text.vi = 'Cơ quan cung cấp thông tin về việc giải quyết thủ tục hành chính theo nhiều hình thức, dễ tiếp cận, dễ hiểu đối với mọi người dân.';
    const headers = responseColumns(long, { headerStyle: 'codes+labels' }).map((c) => c.header);
    expect(headers[0]).toBe('id');
    expect(headers[15]).toHaveLength(HEADER_MAX_CHARS);
    expect(headers[15].startsWith('TC1 Cơ quan cung cấp thông tin')).toBe(true);
    expect(headers[15].endsWith('…')).toBe(true);
    expect(headers[16]).toBe('TC2 Trụ sở sạch sẽ');
    expect(responseColumns(long, { headerStyle: 'codes+labels', locale: 'en' })[16].header).toBe('TC2 The office is clean');
  });

  it('unites the question codes of several definitions', () => {
    const older = structuredClone(miniDefinition);
    older.version = 2;
    older.sections[0].questions.push({ id: 'OLD1', kind: 'text', maxLength: 10, required: false, text: { vi: 'Cũ', en: 'Old' } });
    const codes = responseColumns([miniDefinition, older]).map((c) => c.code).slice(15);
    expect(codes).toEqual(['TC1', 'TC2', 'TT1', 'CC1', 'KQ1', 'PA0', 'PA1', 'CH1', 'COMMENT', 'OLD1']);
  });
});

describe('csv rows', () => {
  it('writes a full row with codes: numbers, option codes joined by ";", a quoted comment, empty skipped cells', () => {
    const columns = responseColumns(miniDefinition);
    expect(csvRow(columns, response())).toBe(
      '0b9a3c1e-8f1d-4c59-9d1e-2f2b8c7d6e5a,5f6e7d8c-9b0a-4e1f-8a2b-3c4d5e6f7a8b,7,mini,3,complete,vi,SNV,Q1,Quầy 1,' +
        '2026-11-21T08:00:00.000Z,2026-11-21T08:02:00.000Z,120000,0,1,' +
        '4,5,2,3,1,no,,direct;online,"Nhanh, ""tốt""\r\nCảm ơn"\r\n',
    );
  });

  it('writes the same row with labels in the chosen language, the number kept with the satisfaction label', () => {
    const vi = csvRow(responseColumns(miniDefinition, { labels: true }), response()).split(',').slice(15);
    expect(vi.slice(0, 7)).toEqual(['4 – Hài lòng', '5 – Rất hài lòng', '2 – Không hài lòng', '3 – Bình thường', '1 – Rất không hài lòng', 'Không', '']);
    expect(vi[7]).toBe('Trực tiếp; Trực tuyến');
    const en = csvRow(responseColumns(miniDefinition, { labels: true, locale: 'en' }), response()).split(',').slice(15);
    expect(en.slice(0, 2)).toEqual(['4 – Satisfied', '5 – Very satisfied']);
    expect(en[7]).toBe('In person; Online');
  });

  it('neutralises a comment written as a formula', () => {
    const row = csvRow(responseColumns(miniDefinition), response({ answers: { COMMENT: '=IMPORTXML("http://evil")' } }));
    expect(row.endsWith(',"\'=IMPORTXML(""http://evil"")"\r\n')).toBe(true);
  });

  it('leaves skipped questions empty, never a default', () => {
    const row = csvRow(responseColumns(miniDefinition), response({ answers: { TC2: 5 } }));
    expect(row.endsWith(',0,1,,5,,,,,,,\r\n')).toBe(true);
  });

  it('does not take a value inherited from Object.prototype for a question named like one', () => {
    const def = structuredClone(miniDefinition);
    def.sections[6].questions.push({ id: 'toString', kind: 'text', maxLength: 10, required: false, text: { vi: 'Khác', en: 'Other' } });
    const row = csvRow(responseColumns(def), response({ answers: {} }));
    expect(row.endsWith(',0,1,,,,,,,,,,\r\n')).toBe(true);
  });
});

describe('responsesToCsv', () => {
  it('yields the BOM and header first, then one CRLF-terminated line per response', () => {
    const pieces = [...responsesToCsv(miniDefinition, [response(), response({ seq: 8, id: '1b9a3c1e-8f1d-4c59-9d1e-2f2b8c7d6e5a' })])];
    expect(pieces).toHaveLength(3);
    expect(pieces[0].startsWith(CSV_BOM)).toBe(true);
    expect(pieces[0].charCodeAt(0)).toBe(0xfeff);
    expect(pieces[0]).toBe(CSV_BOM + csvHeader(responseColumns(miniDefinition)));
    expect(pieces[0].endsWith('COMMENT\r\n')).toBe(true);
    for (const piece of pieces) {
      expect(piece.endsWith('\r\n')).toBe(true);
      // No bare LF outside the quoted comment: every line break between records is CRLF.
      expect(piece.replace(/"[^"]*(?:""[^"]*)*"/g, '').match(/(?<!\r)\n/)).toBeNull();
    }
    expect(pieces[2]).toContain(',8,mini,');
  });

  it('is lazy: it reads responses only as lines are asked for', () => {
    let read = 0;
    function* source() {
      for (let i = 1; i <= 1000; i++) {
        read++;
        yield response({ seq: i });
      }
    }
    const lines = responsesToCsv(miniDefinition, source());
    lines.next();
    lines.next();
    expect(read).toBe(1);
  });

  it('writes the UTF-8 bytes EF BB BF first and keeps diacritics when encoded', () => {
    const text = [...responsesToCsv(miniDefinition, [response()], { labels: true })].join('');
    const bytes = new TextEncoder().encode(text);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes)).toContain('Rất hài lòng');
  });
});
