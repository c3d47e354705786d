import { describe, expect, it } from 'vitest';
import { surveyResponseSchema, type SurveyResponse } from '../../../src/shared/schemas';
import { toWireResponse } from '../../../src/shared/wire';

const response: SurveyResponse = {
  id: '6f1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  kioskId: '1d2a3b4c-5d6e-4f70-8a91-b2c3d4e5f607',
  seq: 7,
  definitionId: 'sipas-2023',
  definitionVersion: 1,
  locale: 'vi',
  status: 'complete',
  startedAt: '2026-11-21T08:00:00.000Z',
  completedAt: '2026-11-21T08:00:40.000Z',
  durationMs: 40_000,
  agencyCode: 'SNV',
  counterCode: 'Q1',
  deviceLabel: '',
  appVersion: '0.1.0',
  answers: { TC1: 4 },
  flags: { tooFast: false, belowMinInterval: false },
};

describe('toWireResponse (what a kiosk sends and evacuates)', () => {
  it('drops the outbox bookkeeping so the collector’s strict schema accepts the record', () => {
    const stored = { ...response, syncState: 'pending', attempts: 3, sentAt: '2026-11-21T09:00:00.000Z', syncReason: 'server' };
    expect(surveyResponseSchema.safeParse(stored).success).toBe(false);
    const wire = toWireResponse(stored);
    expect(wire).toEqual(response);
    expect(surveyResponseSchema.safeParse(wire).success).toBe(true);
  });

  it('keeps every response field and leaves the stored record untouched', () => {
    const stored = { ...response, syncState: 'sent' };
    expect(toWireResponse(stored)).toEqual(response);
    expect(stored.syncState).toBe('sent');
  });
});
