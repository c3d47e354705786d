/// <reference types="vite/client" />

/** The app's version from package.json, baked in at build time. */
declare const __APP_VERSION__: string;
