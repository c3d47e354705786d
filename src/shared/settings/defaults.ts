/**
 * Kiosk settings defaults, kept free of zod so the citizen bundle can read settings without carrying
 * the validator; settings are validated where they enter (staff setup, provisioning link).
 */

/** What happens to a response a citizen walks away from. */
export type AbandonedResponsePolicy = 'discard' | 'keep-partial';

export interface KioskSettings {
  /**
   * Where the kiosk stands: agency and counter, each a display name and a code. The collector's device
   * registration is their source: set by the provisioning link and by every sync answer, never typed.
   */
  agencyName: string;
  agencyCode: string;
  counterCode: string;
  counterName: string;
  deviceLabel: string;
  /** Base URL of the collector; empty means the origin the kiosk was loaded from. */
  endpointUrl: string;
  /** Bearer token of this device at the collector; empty until the kiosk is provisioned. */
  deviceToken: string;
  definitionId: string;
  /** Pinned definition version, or null for the newest bundled version of definitionId. */
  definitionVersion: number | null;
  /** Languages offered on the welcome screen, first is the default. */
  languages: string[];
  idleTimeoutMs: number;
  /** How long the visible countdown runs before an idle reset. */
  idleWarningMs: number;
  thankYouMs: number;
  abandonedResponse: AbandonedResponsePolicy;
  /** Ids of optional sections switched off on this kiosk. */
  disabledSections: string[];
  /** Responses started sooner than this after the previous one are flagged (HappyOrNot uses ~5 s). */
  minIntervalMs: number;
  /** A response completed faster than this per answered question is flagged as implausibly fast. */
  minMsPerAnswer: number;
  syncBatchSize: number;
  syncIntervalMs: number;
  /** Sent responses are kept on the tablet this many days, then purged. */
  keepSentDays: number;
}

/** Placeholders until staff set the kiosk up. */
export const DEFAULT_SETTINGS: KioskSettings = {
  agencyName: '',
  agencyCode: 'UNSET',
  counterCode: 'UNSET',
  counterName: '',
  deviceLabel: '',
  endpointUrl: '',
  deviceToken: '',
  definitionId: 'sipas-2023',
  definitionVersion: null,
  languages: ['vi', 'en'],
  idleTimeoutMs: 60_000,
  idleWarningMs: 15_000,
  thankYouMs: 6_000,
  abandonedResponse: 'discard',
  disabledSections: [],
  minIntervalMs: 5_000,
  minMsPerAnswer: 600,
  syncBatchSize: 100,
  syncIntervalMs: 60_000,
  keepSentDays: 30,
};
