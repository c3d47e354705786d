import type { Lang, StaffT } from '../i18n';

/** What every page render needs. */
export interface PageContext {
  lang: Lang;
  /** The staff pages' translator in the page's language. */
  t: StaffT;
  /** Nonce of this response's Content-Security-Policy, carried by the page's script elements. */
  nonce: string;
  /** Path and query of the page, for the language switch. */
  url: string;
  /** False on the login page (no navigation, no logout). */
  signedIn: boolean;
}
