// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildEvacuationFile, buildResponsesCsv, exportBaseName } from '../../../src/kiosk/staff';
import { EVACUATION_FORMAT, responseColumns } from '../../../src/shared/csv';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { readKioskId, storeResponse } from '../../../src/kiosk/storage';
import { miniDefinition } from '../../fixtures/mini-definition';
import { draft, freshDatabase, storeInStates } from './helpers';

const settings = { ...DEFAULT_SETTINGS, agencyCode: 'SởNV', counterCode: 'Quầy 1' };
const AT = new Date(2026, 10, 21, 8, 5); // local time, as file names use it

beforeEach(freshDatabase);

async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

describe('file names', () => {
  it('are sipas-<agency>-<counter>-<YYYYMMDD-HHmm> without diacritics or spaces', () => {
    expect(exportBaseName(settings, AT)).toBe('sipas-SoNV-Quay-1-20261121-0805');
    expect(exportBaseName({ agencyCode: 'ĐàNẵng', counterCode: 'Q.01' }, AT)).toBe('sipas-DaNang-Q.01-20261121-0805');
  });
});

describe('the evacuation file', () => {
  it('holds exactly the unsent responses (pending, conflict, rejected), as the sync engine sends them', async () => {
    const stored = await storeInStates(['pending', 'sent', 'conflict', 'pending', 'rejected', 'sent']);
    const file = await buildEvacuationFile(settings, AT);
    const parsed = JSON.parse(await file.blob.text()) as { format: string; version: number; kioskId: string; exportedAt: string; responses: Array<Record<string, unknown>> };
    expect(parsed.format).toBe(EVACUATION_FORMAT);
    expect(parsed.version).toBe(1);
    expect(parsed.kioskId).toBe(await readKioskId());
    expect(parsed.exportedAt).toBe(AT.toISOString());
    const unsent = stored.filter((r) => r.syncState !== 'sent');
    expect(parsed.responses.map((r) => r.id).sort()).toEqual(unsent.map((r) => r.id).sort());
    expect(file.count).toBe(4);
    expect(file.name).toBe('sipas-SoNV-Quay-1-20261121-0805-unsent.json');
    for (const response of parsed.responses) {
      expect(Object.keys(response).sort()).toEqual(
        ['agencyCode', 'answers', 'appVersion', 'completedAt', 'counterCode', 'definitionId', 'definitionVersion', 'deviceLabel', 'durationMs', 'flags', 'id', 'kioskId', 'locale', 'seq', 'startedAt', 'status'],
      );
    }
    const first = stored[0];
    const { syncState: _s, attempts: _a, ...wire } = first;
    expect(parsed.responses.find((r) => r.id === first.id)).toEqual(wire);
  });

  it('is valid JSON with an empty list when nothing waits', async () => {
    await storeInStates(['sent']);
    const file = await buildEvacuationFile(settings, AT);
    expect(JSON.parse(await file.blob.text()).responses).toEqual([]);
    expect(file.count).toBe(0);
  });
});

describe('the CSV export', () => {
  it('holds every stored response in sequence order, BOM first, with CRLF line ends', async () => {
    await storeInStates(['sent', 'pending', 'conflict']);
    const file = await buildResponsesCsv([miniDefinition], miniDefinition, settings, { labels: false, locale: 'vi', at: AT });
    const bytes = await bytesOf(file.blob);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\r\n');
    expect(lines).toHaveLength(5); // header, three rows, the empty piece after the last CRLF
    expect(lines[0]).toBe(responseColumns(miniDefinition).map((c) => c.code).join(','));
    expect(lines.slice(1, 4).map((line) => line.split(',')[2])).toEqual(['1', '2', '3']);
    expect(lines[1]).toContain(`,"'=1+1, ""ổn"""`);
    expect(file.count).toBe(3);
    expect(file.name).toBe('sipas-SoNV-Quay-1-20261121-0805.csv');
  });

  it('writes labels in the chosen language with labelled headers', async () => {
    await storeInStates(['pending']);
    const file = await buildResponsesCsv([miniDefinition], miniDefinition, settings, { labels: true, locale: 'en', at: AT });
    const [header, row] = (await file.blob.text()).split('\r\n');
    expect(header).toContain('TC1 Information is clear');
    expect(row).toContain('4 – Satisfied');
  });

  it('keeps the columns of responses answered on an earlier questionnaire version', async () => {
    const older = structuredClone(miniDefinition);
    older.version = 2;
    older.sections[0].questions.push({ id: 'OLD1', kind: 'text', maxLength: 50, required: false, text: { vi: 'Câu cũ', en: 'Old' } });
    await storeResponse(draft({ definitionVersion: 2, answers: { TC1: 2, OLD1: 'cũ' } }), { minIntervalMs: 0, minMsPerAnswer: 0 });
    await storeResponse(draft({ answers: { TC1: 5, GONE: 'x' } }), { minIntervalMs: 0, minMsPerAnswer: 0 });
    const file = await buildResponsesCsv([older, miniDefinition], miniDefinition, settings, { labels: false, locale: 'vi', at: AT });
    const [header, first, second] = (await file.blob.text()).split('\r\n');
    const codes = header.replace('\uFEFF', '').split(',');
    expect(codes.slice(15)).toEqual(['TC1', 'TC2', 'TT1', 'CC1', 'KQ1', 'PA0', 'PA1', 'CH1', 'COMMENT', 'OLD1', 'GONE']);
    expect(first.split(',')[codes.indexOf('OLD1')]).toBe('cũ');
    expect(second.split(',')[codes.indexOf('GONE')]).toBe('x');
  });
});
