import {
  DEVICE_LABEL_MAX_LENGTH,
  isDeviceLabel,
  isPlaceCode,
  normalizePlaceName,
  PLACE_NAME_MAX_LENGTH,
  suggestPlaceCode,
} from '../../shared/ids';
import { NO_COLLECTOR_FLAGS, type DeviceRecord, type IngestItem } from '../stores';
import type { DevicePlace, Provisioning } from '../../shared/wire';
import type { DeviceDetails } from './devices';

/** The fields of a device's registration, as the staff form and `devices-cli register` take them. */
export type DevicePlaceField = 'label' | 'agencyName' | 'agencyCode' | 'counterName' | 'counterCode';

/** What can be wrong with one field. */
export type DevicePlaceProblem =
  /** A name left blank. */
  | 'required'
  /** A name or label over its length. */
  | 'tooLong'
  /** A code given that does not follow PLACE_CODE. */
  | 'invalidCode'
  /** A code left blank whose name suggests none (nothing survives folding): the code must be given. */
  | 'noSuggestion';

/** A registration as typed; blank codes are suggested from the names, a blank label is the counter's name. */
export type DevicePlaceInput = Partial<Record<DevicePlaceField, string>>;

/** The outcome of checking a registration. */
export interface DevicePlaceCheck {
  /** What would be stored: names normalised (NFC, trimmed), blank codes suggested, blank label filled in. */
  details: DeviceDetails;
  /** Which codes were suggested rather than typed, so the clerk is shown them. */
  suggested: { agencyCode: boolean; counterCode: boolean };
  /** The problems, by field; none means `details` may be stored. */
  problems: Partial<Record<DevicePlaceField, DevicePlaceProblem>>;
}

/**
 * Checks a device's registration (new, or an edit that moves it) against the one place rule: names are
 * free Vietnamese text (NFC, 1 to 200 characters), codes follow PLACE_CODE and are suggested from the
 * names when left blank ("Quầy 2" → QUAY-2). Devices registered earlier keep their codes until edited.
 */
export function checkDevicePlace(input: DevicePlaceInput): DevicePlaceCheck {
  const problems: DevicePlaceCheck['problems'] = {};
  const name = (field: 'agencyName' | 'counterName'): string => {
    const text = normalizePlaceName(input[field] ?? '');
    if (text === '') problems[field] = 'required';
    else if (text.length > PLACE_NAME_MAX_LENGTH) problems[field] = 'tooLong';
    return text;
  };
  const code = (field: 'agencyCode' | 'counterCode', fromName: string): { code: string; suggested: boolean } => {
    const typed = (input[field] ?? '').normalize('NFC').trim();
    if (typed !== '') {
      if (!isPlaceCode(typed)) problems[field] = 'invalidCode';
      return { code: typed, suggested: false };
    }
    const suggestion = suggestPlaceCode(fromName);
    // A blank name already has its own problem; the code's would say the same again.
    if (suggestion === '' && fromName !== '') problems[field] = 'noSuggestion';
    return { code: suggestion, suggested: suggestion !== '' };
  };
  const agencyName = name('agencyName');
  const counterName = name('counterName');
  const agency = code('agencyCode', agencyName);
  const counter = code('counterCode', counterName);
  let label = normalizePlaceName(input.label ?? '');
  if (label === '') label = counterName.slice(0, DEVICE_LABEL_MAX_LENGTH).trim();
  else if (!isDeviceLabel(label)) problems.label = 'tooLong';
  return {
    details: { label, agencyCode: agency.code, agencyName, counterCode: counter.code, counterName },
    suggested: { agencyCode: agency.suggested, counterCode: counter.suggested },
    problems,
  };
}

/** The place a sync answer tells the tablet: the device's registration as it stands. */
export function placeOfDevice(device: Pick<DeviceRecord, 'agencyCode' | 'agencyName' | 'counterCode' | 'counterName'>): DevicePlace {
  return { agencyCode: device.agencyCode, agencyName: device.agencyName, counterCode: device.counterCode, counterName: device.counterName };
}

/**
 * Flags a response that claims another agency or counter than its device's registered place (codes
 * compared after NFC). It is stored as sent, never changed: the flag sits beside it, merged with
 * whatever else the collector noticed. Rejected items and matching responses pass unchanged.
 */
export function flagPlaceMismatch(item: IngestItem, device: Pick<DeviceRecord, 'agencyCode' | 'counterCode'>): IngestItem {
  if (item.kind !== 'valid') return item;
  const same = (a: string, b: string) => a.normalize('NFC') === b.normalize('NFC');
  const { agencyCode, counterCode } = item.response;
  if (same(agencyCode, device.agencyCode) && same(counterCode, device.counterCode)) return item;
  return { ...item, collectorFlags: { ...NO_COLLECTOR_FLAGS, ...item.collectorFlags, placeMismatch: true } };
}

/** What a device's provisioning link carries: its token, and its place and label as registered. */
export function provisioningFor(device: DeviceDetails, token: string): Provisioning {
  return {
    token,
    agencyCode: device.agencyCode,
    agencyName: device.agencyName,
    counterCode: device.counterCode,
    counterName: device.counterName,
    deviceLabel: device.label,
  };
}
