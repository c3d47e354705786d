/** @jsxRuntime automatic @jsxImportSource preact */
import type { PageContext } from './context';
import { Page } from './Layout';

/** Why the sign-in page is shown again. */
export type LoginNotice = 'wrong' | 'locked' | 'noPassword' | 'loggedOut' | 'signInAgain' | 'forbidden';

function Notice({ ctx, notice, waitSeconds }: { ctx: PageContext; notice: LoginNotice | undefined; waitSeconds: number }) {
  const { t } = ctx;
  switch (notice) {
    case 'wrong':
      return <p class="error" role="alert">{t('login.wrong')}</p>;
    case 'locked':
      return <p class="error" role="alert">{t('login.locked', { seconds: waitSeconds })}</p>;
    case 'noPassword':
      return <p class="warning" role="alert">{t('login.noPassword')}</p>;
    case 'forbidden':
      return <p class="error" role="alert">{t('errors.forbidden')}</p>;
    case 'loggedOut':
      return <p class="note" role="status">{t('login.loggedOut')}</p>;
    case 'signInAgain':
      return <p class="note" role="status">{t('login.signInAgain')}</p>;
    case undefined:
      return null;
  }
}

/** The staff sign-in page. */
export function LoginPage({ ctx, next, notice, waitSeconds = 1 }: { ctx: PageContext; next: string; notice?: LoginNotice; waitSeconds?: number }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('login.title')}>
      <p class="lead">{t('login.intro')}</p>
      <Notice ctx={ctx} notice={notice} waitSeconds={waitSeconds} />
      <form class="stack" method="post" action="/admin/login">
        <input type="hidden" name="next" value={next} />
        <label>
          {t('login.password')}
          <input type="password" name="password" autocomplete="current-password" required autofocus maxlength={1024} />
        </label>
        <div class="actions">
          <button type="submit">{t('login.submit')}</button>
        </div>
      </form>
    </Page>
  );
}
