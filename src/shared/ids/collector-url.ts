/** The collector's base address, as staff type it on the tablet, a link carries it or `--public-url` gives it. */

/**
 * http or https (in any case, as a tablet keyboard may capitalise it), "://", a host, then an optional
 * path; no whitespace anywhere.
 */
export const COLLECTOR_URL = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/i;
/** What COLLECTOR_URL asks for. */
export const COLLECTOR_URL_DESCRIPTION = 'an http or https address such as https://sipas.example.gov.vn';

/** Is this a collector's base address (http or https, with a host)? */
export function isCollectorUrl(text: string): boolean {
  return COLLECTOR_URL.test(text);
}
