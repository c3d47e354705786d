import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';
import { definitionsPlugin } from './src/build/definitions';

const STAFF_SCRIPTS = {
  'staff/staff-common': 'src/collector/staff-pages/browser/staff-common.ts',
  'staff/import-page': 'src/collector/staff-pages/browser/import-page.ts',
};

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  plugins: [
    // A broken definition fails the build, so it can never reach a tablet.
    definitionsPlugin(),
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false, // registered by src/pwa with workbox-window
      registerType: 'prompt', // updates wait for the welcome screen
      // Kill switch (README, "Retiring a broken service worker"): build with KIOSK_SW_KILL=1.
      selfDestroying: process.env.KIOSK_SW_KILL === '1',
      // staff/ holds the collector's staff-page scripts: never on a tablet.
      injectManifest: { globPatterns: ['**/*.{js,css,html,png,svg,json}'], globIgnores: ['**/node_modules/**/*', 'staff/**'] },
      manifest: {
        name: 'Đánh giá sự hài lòng – SIPAS',
        short_name: 'SIPAS',
        description: 'Phiếu đánh giá mức độ hài lòng của người dân, tổ chức (SIPAS)',
        lang: 'vi',
        start_url: '/',
        scope: '/',
        display: 'fullscreen',
        display_override: ['fullscreen', 'standalone'],
        orientation: 'any',
        background_color: '#ffffff',
        theme_color: '#0b4f8a',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  define: { __APP_VERSION__: JSON.stringify(version) },
  // workbox-window's "module" field is its ES5 build (Babel helpers, regenerator-style code): the
  // modern build is the same API in 1 KB gzip less, and every browser our es2022 target allows runs it.
  resolve: { alias: { 'workbox-window': 'workbox-window/build/workbox-window.prod.mjs' } },
  // The manifest lets the benchmark measure exactly what the citizen path loads.
  build: {
    // Tablets run Chrome on Android (README, deployment), which updates itself: es2022 (Chrome 94+,
    // 2021) keeps class fields native instead of shipping helpers for them, 0.5 KB gzip less.
    target: 'es2022',
    sourcemap: false,
    manifest: true,
    rollupOptions: {
      // The collector's staff-page scripts ride along as entries of their own, at fixed names it links to.
      input: { index: 'index.html', ...STAFF_SCRIPTS },
      output: { entryFileNames: (chunk) => (chunk.name in STAFF_SCRIPTS ? '[name].js' : 'assets/[name]-[hash].js') },
    },
  },
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    // Browser tests launch Chromium and servers; give them room but keep unit tests fast.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // vitest's default leaves one core idle; the suite waits on Chromium, servers and SQLite as much
    // as on the CPU, so two files at once on this 2-core machine take 117 s instead of 166 s, and
    // threads (cheaper to start than forked processes) 103 s.
    maxWorkers: '100%',
    pool: 'threads',
  },
});
