/* The staff area's namespace for i18next's resource typing (see kiosk/i18n/i18next.d.ts). */
import type viKioskStaff from './locales/vi/kiosk-staff.json';

declare module 'i18next' {
  interface ResourceNamespaceMap {
    'kiosk-staff': typeof viKioskStaff;
  }
}
