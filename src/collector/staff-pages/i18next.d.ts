/*
 * i18next's resource typing for the collector's staff pages: keys come from the Vietnamese resources,
 * so a misspelt or missing key is a compile error under `tsc -b src/collector`. The tablet has its own
 * declaration in its own tsconfig project (src/kiosk/i18n), so the two never meet.
 */
import type viCollectorStaff from './locales/vi/collector-staff.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'collector-staff';
    resources: {
      'collector-staff': typeof viCollectorStaff;
    };
  }
}
