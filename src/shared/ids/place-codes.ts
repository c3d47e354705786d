/*
 * Where a response was given: an agency and a counter, each with a code (what data is keyed by) and
 * a display name (what people read), and the device label. The collector's device registration, the
 * provisioning link and the tablet's settings use the same rules.
 */

/** An agency or counter code: A–Z, digits, "_" or "-", starting with a letter or digit, at most 32. */
export const PLACE_CODE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;
/** Longest agency or counter code. */
export const PLACE_CODE_MAX_LENGTH = 32;
/** What PLACE_CODE asks for, in the words of an English message. */
export const PLACE_CODE_DESCRIPTION = '1 to 32 capital letters A-Z, digits, "_" or "-", starting with a letter or digit (e.g. SO-TU-PHAP, QUAY-2)';

/** Is this an agency or counter code as a new registration or an edit must give it? */
export function isPlaceCode(text: string): boolean {
  return PLACE_CODE.test(text);
}

/**
 * Longest code a stored response or device may carry. Codes registered before the PLACE_CODE rule
 * (any 1 to 64 characters) stay as they were: reading them, and responses from tablets still holding
 * them, must not fail.
 */
export const STORED_PLACE_CODE_MAX_LENGTH = 64;

/** The code rule before PLACE_CODE, as tablets applied it from a link: letters (Vietnamese too), digits, ".", "_", "-". */
export const LEGACY_PLACE_CODE = /^[\p{L}\p{N}._-]{1,64}$/u;

/**
 * Is this a code a tablet still takes from a provisioning link of a device registered before the
 * PLACE_CODE rule? (Codes with spaces or other characters never were; such a device needs its place
 * edited at the collector first.)
 */
export function isLegacyPlaceCode(text: string): boolean {
  return LEGACY_PLACE_CODE.test(text);
}

/** Longest agency or counter display name ("Sở Tư pháp tỉnh Thừa Thiên Huế"), in UTF-16 units. */
export const PLACE_NAME_MAX_LENGTH = 200;
/** What a place name may be. */
export const PLACE_NAME_DESCRIPTION = `a name of 1 to ${PLACE_NAME_MAX_LENGTH} characters`;

/** A display name as typed, made canonical: NFC (so "Sở" typed two ways is one name), trimmed, spaces collapsed. */
export function normalizePlaceName(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/** Is this a display name as stored: normalised (see normalizePlaceName), not blank, at most 200 characters? */
export function isPlaceName(text: string): boolean {
  return text !== '' && text.length <= PLACE_NAME_MAX_LENGTH && normalizePlaceName(text) === text;
}

/**
 * The code suggested for a display name: diacritics and đ/Đ folded ("Quầy 2" → QUAY-2, "Sở Tư pháp" →
 * SO-TU-PHAP), upper case, every run of other characters one "-", at most 32 characters. Empty when
 * nothing of the name survives (a name in another script): the clerk then gives the code.
 */
export function suggestPlaceCode(name: string): string {
  const folded = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/gu, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9_]+/g, '-')
    .replace(/^[-_]+/, '');
  return folded.slice(0, PLACE_CODE_MAX_LENGTH).replace(/[-_]+$/, '');
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
