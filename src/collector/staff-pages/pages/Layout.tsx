/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The page shell of the staff pages: one inline stylesheet, the navigation, the language switch and
 * logout, and the page's scripts (built by vite from ../browser, each carrying this response's nonce).
 */
import type { ComponentChildren } from 'preact';
import type { Lang } from '../i18n';
import type { PageContext } from './context';
import { STAFF_CSS } from './staff-css';

/** The pages of the navigation bar. */
export type NavKey = 'fleet' | 'devices' | 'export' | 'import' | 'report' | 'audit' | 'setAside' | 'units' | 'targets' | 'ranking';

const NAV: ReadonlyArray<{ key: NavKey; path: string }> = [
  { key: 'fleet', path: '/admin/fleet' },
  { key: 'devices', path: '/admin/devices' },
  { key: 'report', path: '/admin/report' },
  { key: 'ranking', path: '/admin/ranking' },
  { key: 'units', path: '/admin/units' },
  { key: 'targets', path: '/admin/targets' },
  { key: 'export', path: '/admin/export' },
  { key: 'import', path: '/admin/import' },
  { key: 'setAside', path: '/admin/set-aside' },
  { key: 'audit', path: '/admin/audit' },
];

/**
 * Where the collector serves the staff pages' browser scripts: vite builds them into the kiosk's dist
 * folder under staff/ (vite.config.ts), which the collector serves with the kiosk's files.
 */
export const STAFF_SCRIPTS = {
  /** Asks before a form marked data-confirm is sent; prints on buttons marked data-print. On every page. */
  common: '/staff/staff-common.js',
  /** Reads the chosen evacuation file, posts it and shows the summary. */
  importPage: '/staff/import-page.js',
} as const;

/** A language switch link to the same page in the other language. */
function LanguageSwitch({ ctx }: { ctx: PageContext }) {
  const other: Lang = ctx.lang === 'vi' ? 'en' : 'vi';
  const url = new URL(ctx.url, 'http://x');
  url.searchParams.set('lang', other);
  return (
    <a href={url.pathname + url.search} lang={other} hreflang={other}>
      {ctx.t('layout.otherLanguage')}
    </a>
  );
}

/** A whole page: head, navigation, the title as h1, the body and the scripts. */
export function Page({
  ctx,
  title,
  active,
  scripts = [],
  children,
}: {
  ctx: PageContext;
  title: string;
  active?: NavKey;
  /** Scripts of this page beyond the common one. */
  scripts?: readonly string[];
  children?: ComponentChildren;
}) {
  const { t } = ctx;
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · ${t('layout.brand')}`}</title>
        {/* Our own constant stylesheet: text inside <style> is not HTML, so it must not be escaped. */}
        <style dangerouslySetInnerHTML={{ __html: STAFF_CSS }} />
      </head>
      <body>
        {ctx.signedIn ? (
          <header class="top">
            <nav aria-label={t('layout.navigation')}>
              <span class="brand">{t('layout.brand')}</span>
              {NAV.map((item) => (
                <a href={item.path} aria-current={item.key === active ? 'page' : undefined}>
                  {t(`nav.${item.key}`)}
                </a>
              ))}
              <span class="right">
                <LanguageSwitch ctx={ctx} />
                <form method="post" action="/admin/logout">
                  <button type="submit" class="secondary">
                    {t('layout.logout')}
                  </button>
                </form>
              </span>
            </nav>
          </header>
        ) : (
          <header class="top">
            <nav>
              <span class="brand">{t('layout.brand')}</span>
              <span class="right">
                <LanguageSwitch ctx={ctx} />
              </span>
            </nav>
          </header>
        )}
        <main id="main">
          <h1>{title}</h1>
          {children}
        </main>
        {[STAFF_SCRIPTS.common, ...scripts].map((src) => (
          <script nonce={ctx.nonce} src={src} type="module" />
        ))}
      </body>
    </html>
  );
}
