/** @jsxRuntime automatic @jsxImportSource preact */
import type { PageContext } from './context';
import { Page } from './Layout';

/** A page that says what went wrong, in the staff's words, with the way back to the fleet. */
export function ErrorPage({ ctx, message }: { ctx: PageContext; message: string }) {
  return (
    <Page ctx={ctx} title={ctx.t('errors.title')}>
      <p class="error">{message}</p>
      <p>
        <a href="/admin/fleet">{ctx.t('nav.fleet')}</a>
      </p>
    </Page>
  );
}
