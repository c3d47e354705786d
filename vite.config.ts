import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

export default defineConfig({
  plugins: [preact()],
  build: { target: 'es2020', sourcemap: false },
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    // Browser tests launch Chromium and servers; give them room but keep unit tests fast.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
