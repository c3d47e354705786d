import { POSTGRES_SCHEMES, parsePostgresUrl } from './pg-pool';
import { openPostgresReadStore, openPostgresStore } from './pg-store';
import { openSqliteStore } from './sqlite-store';
import type { CollectorStore } from './store';
import { StoreOpenError } from './store-error';

/** The URL schemes openStore understands; a plain file path means SQLite too. */
export const STORE_SCHEMES: readonly string[] = ['sqlite:', ...POSTGRES_SCHEMES];

/** A URL scheme: two letters at least, so that a Windows drive (`C:\…`) stays a plain path. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

/**
 * Opens the collector's store named by `url`: the one place that does. A plain file path or a
 * `sqlite:` URL (`sqlite:///srv/sipas/collector.sqlite`, `sqlite:data/collector.sqlite`) opens the
 * SQLite store, creating and migrating the file as needed. A `postgres://user:password@host:5432/db`
 * (or `postgresql://`) URL opens the PostgreSQL store, migrating the database (or its `?schema=`) as
 * needed. Any other scheme is refused, naming it.
 */
export async function openStore(url: string): Promise<CollectorStore> {
  if (isPostgresUrl(url)) return openPostgresStore(url);
  return openSqliteStore(sqliteFileOf(url));
}

/**
 * Opens the store reports and exports read from when they are sent to a replica (`--read-database`):
 * PostgreSQL only (a streaming replica of the collector's database), read-only, never migrated.
 */
export async function openReadStore(url: string): Promise<CollectorStore> {
  if (!isPostgresUrl(url)) {
    throw new StoreOpenError('store.unsupported-scheme', `a read database must be PostgreSQL (a replica of the collector's database), found ${describeStoreUrl(url)}`, { url: describeStoreUrl(url) });
  }
  return openPostgresReadStore(url);
}

/** Whether a store URL names a PostgreSQL database (postgres: or postgresql:). */
export function isPostgresUrl(url: string): boolean {
  const scheme = SCHEME.exec(url)?.[1].toLowerCase();
  return scheme !== undefined && POSTGRES_SCHEMES.includes(`${scheme}:`);
}

/** A store URL as it may be printed or logged: a PostgreSQL URL without its password, a SQLite path as given. */
export function describeStoreUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    return parsePostgresUrl(url).display;
  } catch {
    // Unparseable: show only what kind of URL it was, never the rest (it may carry a password).
    return `${SCHEME.exec(url)?.[1].toLowerCase()}://…`;
  }
}

/** The SQLite file a store URL names; throws a StoreOpenError for a scheme other than sqlite: (postgres: included). */
export function sqliteFileOf(url: string): string {
  const scheme = SCHEME.exec(url)?.[1].toLowerCase();
  if (scheme === undefined) {
    if (url.trim() === '') throw new StoreOpenError('store.bad-url', 'the store URL is empty; give a SQLite file path or a sqlite: URL');
    return url;
  }
  if (`${scheme}:` !== 'sqlite:' && POSTGRES_SCHEMES.includes(`${scheme}:`)) {
    throw new StoreOpenError('store.unsupported-scheme', `a ${scheme}: URL names a PostgreSQL database, not a SQLite file`, {
      scheme: `${scheme}:`,
      supported: ['sqlite:'],
    });
  }
  if (`${scheme}:` !== 'sqlite:') {
    // Only the scheme is named: the rest of a database URL may carry a password.
    throw new StoreOpenError(
      'store.unsupported-scheme',
      `unsupported store URL scheme "${scheme}:"; supported: ${STORE_SCHEMES.join(', ')} (or a plain SQLite file path)`,
      { scheme: `${scheme}:`, supported: STORE_SCHEMES },
    );
  }
  let rest = url.slice(scheme.length + 1);
  if (rest.startsWith('//')) {
    // sqlite:///abs/path: an empty authority, then an absolute path; a host makes no sense for a file.
    rest = rest.slice(2);
    if (!rest.startsWith('/')) {
      throw new StoreOpenError('store.bad-url', 'a sqlite:// URL names a file on this machine: sqlite:///absolute/path or sqlite:relative/path', {
        scheme: 'sqlite:',
      });
    }
  }
  let file: string;
  try {
    file = decodeURIComponent(rest.split(/[?#]/, 1)[0]);
  } catch {
    throw new StoreOpenError('store.bad-url', 'the sqlite: URL has a broken %-escape in its path', { scheme: 'sqlite:' });
  }
  if (file === '' || file === '/') throw new StoreOpenError('store.bad-url', 'the sqlite: URL names no file', { scheme: 'sqlite:' });
  return file;
}
