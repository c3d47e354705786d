import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; .ci/run installs it when missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A persistent Chromium profile on disk: IndexedDB survives closing and reopening it, which is
 * what durability tests need (an incognito context keeps storage in memory only).
 */
export async function launchProfile(profileDir?: string): Promise<{ context: BrowserContext; profileDir: string; dispose: () => Promise<void> }> {
  const dir = profileDir ?? mkdtempSync(join(tmpdir(), 'sipas-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 900, height: 1200 },
    locale: 'vi-VN',
  });
  return {
    context,
    profileDir: dir,
    dispose: async () => {
      await context.close();
    },
  };
}

/** Removes a profile directory once no context uses it any more. */
export function removeProfile(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
