/*
 * Devices against the unit tree (issue 11, part 1's last clause). A device whose agency or counter
 * code is not in a non-empty tree is accepted with a visible warning naming the code and pointing to
 * the units page, not refused: a province moving onto units registers tablets before its tree is
 * complete, and the units page lists such devices as "chưa xếp đơn vị". Without a tree, no warning.
 */
import { describe, expect, it, vi } from 'vitest';
import { openStore } from '../../../src/collector';
import { devicesCli } from '../../../src/collector/cli';
import { readUnitCsv } from '../../../src/collector/staff-pages';
import { adminCollectors, deferCleanups, tempDatabase } from '../helpers';

const defer = deferCleanups();
const admin = adminCollectors(defer);

const TREE_CSV = 'code,name,parent_code,kind\nBN,Tỉnh Bắc Ninh,,province\nTTA,Trung tâm A,BN,centre\nQ1,Quầy A1,TTA,counter\n';
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const form = (agencyCode: string, counterCode: string) => ({ agencyName: 'Trung tâm A', agencyCode, counterName: 'Quầy A1', counterCode, label: 'Máy 1' });

describe('registering a device against the unit tree', () => {
  it.each([
    ['a place in the tree', 'TTA', 'Q1', null],
    ['an unknown unit', 'TT-X', 'Q1', 'Chú ý: mã đơn vị “TT-X” chưa có trong cây đơn vị. Thiết bị vẫn được lưu'],
    ['an unknown counter of a known unit', 'TTA', 'Q9', 'Chú ý: quầy “Q9” chưa có trong đơn vị “TTA” của cây đơn vị. Thiết bị vẫn được lưu'],
  ])('%s: saved (%s), with the warning when outside the tree', async (_name, agency, counter, warning) => {
    const c = await admin();
    expect((await c.post('/admin/units/import', { csv: TREE_CSV })).statusCode).toBe(303);
    const page = await c.post('/admin/devices', form(agency, counter));
    expect(page.statusCode).toBe(200);
    expect((await c.store.listDevices()).some((d) => d.agencyCode === agency && d.counterCode === counter)).toBe(true);
    const text = textOf(page.body);
    if (warning === null) {
      expect(text).not.toContain('chưa có trong cây đơn vị');
    } else {
      expect(text).toContain(warning);
      expect(page.body).toContain('<a href="/admin/units">Mở trang Đơn vị</a>');
    }
  });

  it('warns of nothing while there is no tree', async () => {
    const c = await admin();
    const page = await c.post('/admin/devices', form('TT-X', 'Q1'));
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).not.toContain('chưa có trong cây đơn vị');
  });

  it('warns after moving a device outside the tree, beside the moved notice', async () => {
    const c = await admin();
    await c.post('/admin/units/import', { csv: TREE_CSV });
    await c.post('/admin/devices', form('TTA', 'Q1'));
    const device = (await c.store.listDevices()).find((d) => d.agencyCode === 'TTA')!;
    const moved = await c.post(`/admin/devices/${device.id}/place`, form('XA', 'Q1'));
    expect(moved.statusCode).toBe(303);
    const list = await c.get(moved.headers.location as string);
    expect(textOf(list.body)).toContain('Chú ý: mã đơn vị “XA” chưa có trong cây đơn vị.');
    const back = await c.post(`/admin/devices/${device.id}/place`, form('TTA', 'Q1'));
    expect(textOf((await c.get(back.headers.location as string)).body)).not.toContain('chưa có trong cây đơn vị');
  });
});

describe('devices-cli against the unit tree', () => {
  it('registers a device outside the tree and warns on stderr, naming the code; warns of nothing inside it', async () => {
    const { file, cleanup } = tempDatabase();
    defer(cleanup);
    const store = await openStore(file);
    const read = readUnitCsv(TREE_CSV);
    if (!read.ok) throw new Error('tree CSV');
    await store.writeUnits(read.inputs, 'import');
    await store.close();
    const run = async (agency: string) => {
      const errors: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void errors.push(parts.join(' ')));
      try {
        return { code: await devicesCli(['register', '--agency-name', 'Trung tâm', '--agency', agency, '--counter-name', 'Quầy A1', '--counter', 'Q1', '--database', file]), errors };
      } finally {
        log.mockRestore();
        error.mockRestore();
      }
    };
    expect(await run('TT-X')).toEqual({ code: 0, errors: ['warning: unit "TT-X" is not in the unit tree; the device is saved, add the unit on /admin/units'] });
    expect(await run('TTA')).toEqual({ code: 0, errors: [] });
  });
});
