import { describe, expect, it } from 'vitest';
import { checkDevicePlace, flagPlaceMismatch, placeOfDevice, provisioningFor } from '../../../src/collector/devices';
import { NO_COLLECTOR_FLAGS } from '../../../src/collector/stores';
import { makeResponse, validItem } from '../helpers';

describe('checkDevicePlace (the staff form and devices-cli register alike)', () => {
  it('suggests the codes from the names when they are left blank, and says so', () => {
    expect(checkDevicePlace({ agencyName: 'Sở Tư pháp', counterName: 'Quầy 2' })).toEqual({
      details: { label: 'Quầy 2', agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2' },
      suggested: { agencyCode: true, counterCode: true },
      problems: {},
    });
  });

  it('keeps codes that were typed, and a typed label; names become NFC, trimmed, one space', () => {
    const check = checkDevicePlace({
      agencyName: '  Sở  Tư pháp '.normalize('NFD'),
      agencyCode: ' STP ',
      counterName: 'Quầy 2',
      counterCode: 'Q2',
      label: 'Máy tính bảng quầy 2',
    });
    expect(check).toEqual({
      details: { label: 'Máy tính bảng quầy 2', agencyCode: 'STP', agencyName: 'Sở Tư pháp', counterCode: 'Q2', counterName: 'Quầy 2' },
      suggested: { agencyCode: false, counterCode: false },
      problems: {},
    });
  });

  it.each([
    ['a lower-case code', { agencyCode: 'stp' }, { agencyCode: 'invalidCode' }],
    ['a code with diacritics', { counterCode: 'Quầy-2' }, { counterCode: 'invalidCode' }],
    ['a code with a space', { counterCode: 'QUAY 2' }, { counterCode: 'invalidCode' }],
    ['a code of 33 characters', { agencyCode: 'A'.repeat(33) }, { agencyCode: 'invalidCode' }],
    ['a code starting with "-"', { agencyCode: '-STP' }, { agencyCode: 'invalidCode' }],
    ['a blank agency name', { agencyName: '   ' }, { agencyName: 'required' }],
    ['no counter name at all', { counterName: undefined }, { counterName: 'required' }],
    ['a 201-character name', { agencyName: 'á'.repeat(201) }, { agencyName: 'tooLong' }],
    ['a 121-character label', { label: 'x'.repeat(121) }, { label: 'tooLong' }],
    ['a name no code can be suggested from', { counterName: '窓口' }, { counterCode: 'noSuggestion' }],
  ])('refuses %s, naming the field', (_, change, problems) => {
    expect(checkDevicePlace({ agencyName: 'Sở Tư pháp', counterName: 'Quầy 2', ...change }).problems).toEqual(problems);
  });

  it('accepts a name no code can be suggested from when the code is given', () => {
    expect(checkDevicePlace({ agencyName: 'Sở Tư pháp', counterName: '窓口', counterCode: 'MADOGUCHI' }).problems).toEqual({});
  });
});

describe('a device as the tablet is told it', () => {
  const device = { label: 'Quầy 2', agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2' };

  it('puts codes, names and label in the provisioning link', () => {
    expect(provisioningFor(device, 't.x')).toEqual({ token: 't.x', agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2', deviceLabel: 'Quầy 2' });
  });

  it('answers each sync with its place', () => {
    expect(placeOfDevice({ ...device, id: 'x' } as never)).toEqual({ agencyCode: 'SO-TU-PHAP', agencyName: 'Sở Tư pháp', counterCode: 'QUAY-2', counterName: 'Quầy 2' });
  });
});

describe('flagPlaceMismatch', () => {
  const device = { agencyCode: 'SNV', counterCode: 'Q1' };

  it.each([
    ['the same place', 'SNV', 'Q1', false],
    ['another agency', 'STP', 'Q1', true],
    ['another counter', 'SNV', 'Q2', true],
    ['a code differing in case only', 'snv', 'Q1', true],
  ])('flags a response claiming %s: %s', (_, agencyCode, counterCode, flagged) => {
    const item = validItem(makeResponse({ agencyCode, counterCode }));
    const out = flagPlaceMismatch(item, device);
    expect(out.kind === 'valid' && (out.collectorFlags?.placeMismatch ?? false)).toBe(flagged);
    // Stored as sent: the response and its hash are never changed.
    expect(out.kind === 'valid' && out.response).toEqual(item.kind === 'valid' && item.response);
    expect(out.kind === 'valid' && out.contentHash).toBe(item.kind === 'valid' && item.contentHash);
  });

  it('compares codes after NFC', () => {
    const item = validItem(makeResponse({ agencyCode: 'Sở'.normalize('NFD') }));
    expect(flagPlaceMismatch(item, { agencyCode: 'Sở'.normalize('NFC'), counterCode: item.kind === 'valid' ? item.response.counterCode : '' })).toBe(item);
  });

  it('keeps what else the collector noticed (clock skew) beside the flag', () => {
    const item = { ...validItem(makeResponse({ agencyCode: 'STP' })), collectorFlags: { clockSkewMs: 600_000, clockSkew: true, placeMismatch: false } };
    expect(flagPlaceMismatch(item, device)).toMatchObject({ collectorFlags: { clockSkewMs: 600_000, clockSkew: true, placeMismatch: true } });
    expect(flagPlaceMismatch(validItem(makeResponse({ agencyCode: 'STP' })), device)).toMatchObject({ collectorFlags: { ...NO_COLLECTOR_FLAGS, placeMismatch: true } });
  });

  it('passes rejected items unchanged', () => {
    const rejected = { kind: 'rejected' as const, responseId: null, reason: 'x' };
    expect(flagPlaceMismatch(rejected, device)).toBe(rejected);
  });
});
