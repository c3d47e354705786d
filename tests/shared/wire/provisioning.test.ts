import { describe, expect, it } from 'vitest';
import { buildProvisioningLink, parseProvisioningFragment, readProvisioningFragment } from '../../../src/shared/wire';

const TOKEN = '3f2b6c1e-1d2a-4c55-9a57-6f0f1c2d3e4f.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';

describe('provisioning links', () => {
  it('carry token, collector, agency and counter (code and name) and label in the fragment, and read back the same', () => {
    const link = buildProvisioningLink('https://sipas.example.gov.vn/', {
      token: TOKEN,
      agencyCode: 'SO-TU-PHAP',
      agencyName: 'Sở Tư pháp',
      counterCode: 'QUAY-2',
      counterName: 'Quầy 2',
      deviceLabel: 'Quầy 2 – tầng 1',
    });
    const url = new URL(link);
    expect(url.pathname).toBe('/');
    expect(url.search).toBe(''); // nothing in the query: the fragment never reaches a server
    expect(readProvisioningFragment(url.hash)).toEqual({
      kind: 'valid',
      provisioning: {
        token: TOKEN,
        endpoint: 'https://sipas.example.gov.vn',
        agencyCode: 'SO-TU-PHAP',
        agencyName: 'Sở Tư pháp',
        counterCode: 'QUAY-2',
        counterName: 'Quầy 2',
        deviceLabel: 'Quầy 2 – tầng 1',
      },
    });
  });

  it('reads names typed in another normal form as the one NFC name', () => {
    const hash = `#provision=${TOKEN}&agencyName=${encodeURIComponent(' Sở  Tư pháp '.normalize('NFD'))}`;
    expect(parseProvisioningFragment(hash)?.agencyName).toBe('Sở Tư pháp'.normalize('NFC'));
  });

  it('sets only what the link carries (an older link without names leaves the names as they are)', () => {
    expect(readProvisioningFragment(`#provision=${TOKEN}&agency=SNV&counter=Q1`)).toEqual({
      kind: 'valid',
      provisioning: { token: TOKEN, agencyCode: 'SNV', counterCode: 'Q1' },
    });
  });

  it.each([
    ['#other=1', { kind: 'none' }],
    ['', { kind: 'none' }],
    ['#provision=not-a-token', { kind: 'invalid', problems: ['token'] }],
    ['#provision=', { kind: 'invalid', problems: ['token'] }],
    [`#provision=${TOKEN}&endpoint=javascript:alert(1)`, { kind: 'invalid', problems: ['endpoint'] }],
    [`#provision=${TOKEN}&agency=&counter=Q1`, { kind: 'invalid', problems: ['agencyCode'] }],
    [`#provision=${TOKEN}&agency=SNV&counter=Qu%E1%BA%A7y%202`, { kind: 'invalid', problems: ['counterCode'] }],
    [`#provision=${TOKEN}&agency=%3Cb%3E&counter=Q1`, { kind: 'invalid', problems: ['agencyCode'] }],
    [`#provision=${TOKEN}&agency=SNV&counter=Q1&counterName=${'x'.repeat(201)}`, { kind: 'invalid', problems: ['counterName'] }],
    [`#provision=${TOKEN}&agencyName=${'x'.repeat(201)}`, { kind: 'invalid', problems: ['agencyName'] }],
    [`#provision=${TOKEN}&label=${'x'.repeat(121)}`, { kind: 'invalid', problems: ['deviceLabel'] }],
    ['#provision=short&endpoint=nope&agency=A%20B&counter=', { kind: 'invalid', problems: ['token', 'endpoint', 'agencyCode', 'counterCode'] }],
  ])('%j → %j: a link that cannot be applied names every problem, never a silent placeholder', (hash, expected) => {
    expect(readProvisioningFragment(hash)).toEqual(expected);
    expect(parseProvisioningFragment(hash)).toBeNull();
  });

  it('still applies the codes of a device registered before the place-code rule (letters, digits, . _ -)', () => {
    expect(parseProvisioningFragment(`#provision=${TOKEN}&agency=S%E1%BB%9FNV&counter=q.01`)).toMatchObject({ agencyCode: 'SởNV', counterCode: 'q.01' });
  });
});
