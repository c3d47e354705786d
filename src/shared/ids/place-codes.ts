/*
 * Agency and counter codes (where a response was given) and the device label: the tablet's settings,
 * the provisioning link and the collector's device registration use the same limits.
 */

/** Characters of an agency or counter code: letters (Vietnamese ones too), digits, ".", "_" or "-". */
export const PLACE_CODE = /^[\p{L}\p{N}._-]+$/u;
/** Longest agency or counter code, in UTF-16 units (as zod's and a form's max length count). */
export const PLACE_CODE_MAX_LENGTH = 64;
/** What PLACE_CODE asks for. */
export const PLACE_CODE_DESCRIPTION = 'letters, digits, . _ or -';

/** Is this an agency or counter code: 1 to 64 letters, digits, ".", "_" or "-"? */
export function isPlaceCode(text: string): boolean {
  return text.length >= 1 && text.length <= PLACE_CODE_MAX_LENGTH && PLACE_CODE.test(text);
}

/** Longest device label ("Quầy 2 – tầng 1"), in UTF-16 units. */
export const DEVICE_LABEL_MAX_LENGTH = 120;
/** What a device label may be. */
export const DEVICE_LABEL_DESCRIPTION = `a name of at most ${DEVICE_LABEL_MAX_LENGTH} characters`;

/**
 * Is this a device label as the collector registers one: a non-blank text of at most 120 characters?
 * (The tablet's own settings may leave it empty; they check only the length.)
 */
export function isDeviceLabel(text: string): boolean {
  return text.trim() !== '' && text.length <= DEVICE_LABEL_MAX_LENGTH;
}
