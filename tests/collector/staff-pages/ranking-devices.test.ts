/*
 * Devices against the unit tree (issue 11, part 1's last clause). A device whose agency or counter
 * code is not in a non-empty tree is accepted with a visible warning naming the code and pointing to
 * the units page, not refused: a province moving onto units registers tablets before its tree is
 * complete, and the units page lists such devices as "chưa xếp đơn vị". Without a tree, no warning.
 */
import { describe, expect, it } from 'vitest';
import { adminCollectors, deferCleanups } from '../helpers';

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
