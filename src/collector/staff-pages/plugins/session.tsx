/** @jsxRuntime automatic @jsxImportSource preact */
/** Sign-in and sign-out: the sign-in page, the password check with its lock-out, and the session cookies. */
import type { FastifyPluginAsync } from 'fastify';
import { clearSessionCookies, currentSession, hashSessionId, sessionIdOf, setSessionCookies, startSession, verifyPassword } from '../auth';
import { LoginPage, type LoginNotice } from '../pages';
import { HOME_PATH, LOGIN_PATH, type StaffPluginOptions } from './staff-context';

/** Where to go after signing in: only a path of the staff pages, never elsewhere (no open redirect). */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string') return HOME_PATH;
  if (!/^\/admin(?:[/?]|$)/.test(value) || value.includes('\\') || value.startsWith('//') || value.startsWith(LOGIN_PATH)) return HOME_PATH;
  return value;
}

/** The session pages, registered under /admin. */
export const sessionPages: FastifyPluginAsync<StaffPluginOptions> = async (pages, { side }) => {
  const { store } = side;
  const loginPath = LOGIN_PATH.slice('/admin'.length);

  pages.get(loginPath, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const next = safeNext(query.next);
    if (await currentSession(store, request, side.now())) return reply.code(303).header('location', next).send();
    const ctx = side.pageContext(request, reply, false);
    const notice: LoginNotice | undefined =
      (await store.getAdminPasswordHash()) === null ? 'noPassword' : query.out === '1' ? 'loggedOut' : typeof query.next === 'string' ? 'signInAgain' : undefined;
    return side.sendPage(reply, <LoginPage ctx={ctx} next={next} notice={notice} />);
  });

  pages.post(loginPath, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const ctx = side.pageContext(request, reply, false);
    // The address's one slot is taken in the database before anything is checked: inside a lock, or
    // while another attempt of this address is being checked, nothing is.
    const attempt = await side.throttle.attempt(request.ip);
    if (!attempt.go) {
      const seconds = Math.ceil(attempt.waitMs / 1000);
      if (attempt.firstRefusal) await side.audit(request, 'lockOut', 'refused', { failures: attempt.failures, waitSeconds: seconds });
      reply.header('retry-after', String(seconds));
      return side.sendPage(reply, <LoginPage ctx={ctx} next={next} notice="locked" waitSeconds={seconds} />, 429);
    }
    try {
      const hash = await store.getAdminPasswordHash();
      // Nobody can sign in yet and nothing was tried: not worth an audit entry per request (it would
      // let anyone fill the log, since the slot is freed at once).
      if (hash === null) return side.sendPage(reply, <LoginPage ctx={ctx} next={next} notice="noPassword" />, 403);
      const password = typeof body.password === 'string' ? body.password : '';
      if (!(await verifyPassword(password, hash))) {
        const lockMs = await attempt.failed();
        const lockSeconds = Math.ceil(lockMs / 1000);
        request.log.warn({ ip: request.ip, lockMs }, 'failed staff sign-in');
        await side.audit(request, 'signIn', 'failure', { reason: 'wrongPassword', failures: attempt.failures + 1, lockSeconds });
        reply.header('retry-after', String(lockSeconds));
        return side.sendPage(reply, <LoginPage ctx={ctx} next={next} notice="wrong" />, 401);
      }
      await attempt.succeeded();
      const id = await startSession(store, side.now());
      await side.audit(request, 'signIn', 'success', {});
      setSessionCookies(reply, id, side.isSecure(request));
      return reply.code(303).header('location', next).send();
    } finally {
      // Whatever happened above (no password set, an error), the slot is not kept until its lease ends.
      await attempt.release();
    }
  });

  pages.post('/logout', async (request, reply) => {
    const id = sessionIdOf(request);
    if (id) {
      const live = await currentSession(store, request, side.now());
      await store.deleteAdminSession(hashSessionId(id));
      if (live) await side.audit(request, 'signOut', 'success', {});
    }
    clearSessionCookies(reply, side.isSecure(request));
    return reply.code(303).header('location', `${LOGIN_PATH}?out=1`).send();
  });
};
