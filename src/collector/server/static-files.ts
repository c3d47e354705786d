import { basename, relative, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Hashed build output never changes under its name, so browsers may keep it for a year. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** Everything else is revalidated on every load (cheap with ETag), so a new build is seen at once. */
export const REVALIDATE_CACHE = 'no-cache';

/**
 * Serves the built kiosk. sw.js and index.html must never be cached stale, or tablets stay on an old
 * version (enketo#986); files under /assets carry a content hash and are cached for good.
 */
export async function registerKioskFiles(app: FastifyInstance, dir: string): Promise<void> {
  const root = resolve(dir);
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    cacheControl: false,
    dotfiles: 'deny',
    setHeaders(res, path) {
      const inAssets = relative(root, path).split(sep)[0] === 'assets';
      res.setHeader('cache-control', inAssets && basename(path) !== 'sw.js' ? IMMUTABLE_CACHE : REVALIDATE_CACHE);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
}
