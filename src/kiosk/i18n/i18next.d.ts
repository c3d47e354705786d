/*
 * i18next's resource typing for the tablet: keys (and namespaces) come from the Vietnamese
 * resources, so a misspelt or missing key is a compile error under `tsc -b src/kiosk`. Each folder
 * types its own namespace: the citizen one here, 'kiosk-staff' in staff/i18next.d.ts (i18next's
 * ResourceNamespaceMap, so this folder never names a file of the lazy staff chunk). The collector has
 * its own declaration in its own tsconfig project.
 */
import type viCitizen from './locales/vi/citizen.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'citizen';
    resources: {
      citizen: typeof viCitizen;
    };
  }
}
