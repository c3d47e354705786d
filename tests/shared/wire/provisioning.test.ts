import { describe, expect, it } from 'vitest';
import { buildProvisioningLink, parseProvisioningFragment } from '../../../src/shared/wire';

const TOKEN = '3f2b6c1e-1d2a-4c55-9a57-6f0f1c2d3e4f.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd';

describe('provisioning links', () => {
  it('carry token, collector, agency, counter and label in the fragment, and read back the same', () => {
    const link = buildProvisioningLink('https://sipas.example.gov.vn/', { token: TOKEN, agencyCode: 'SNV', counterCode: 'Q01', deviceLabel: 'Quầy 1 – tầng 2' });
    const url = new URL(link);
    expect(url.pathname).toBe('/');
    expect(url.search).toBe(''); // nothing in the query: the fragment never reaches a server
    expect(parseProvisioningFragment(url.hash)).toEqual({
      token: TOKEN,
      endpoint: 'https://sipas.example.gov.vn',
      agencyCode: 'SNV',
      counterCode: 'Q01',
      deviceLabel: 'Quầy 1 – tầng 2',
    });
  });

  it.each([
    ['#provision=not-a-token', null],
    ['#other=1', null],
    ['', null],
  ])('refuses %j', (hash, expected) => {
    expect(parseProvisioningFragment(hash)).toBe(expected);
  });

  it('drops values that fail their pattern instead of trusting them', () => {
    const parsed = parseProvisioningFragment(`#provision=${TOKEN}&endpoint=javascript:alert(1)&agency=<b>&counter=Q%201`);
    expect(parsed).toEqual({ token: TOKEN, endpoint: undefined, agencyCode: undefined, counterCode: undefined, deviceLabel: undefined });
  });
});
