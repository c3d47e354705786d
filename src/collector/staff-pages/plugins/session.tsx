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
    const waitMs = side.throttle.waitMs(request.ip);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      reply.header('retry-after', String(seconds));
      return side.sendPage(reply, <LoginPage ctx={ctx} next={next} notice="locked" waitSeconds={seconds} />, 429);
    }
    const hash = await store.getAdminPasswordHash();
    if (hash === null) return side.sendPage(reply, <LoginPage ctx={ctx} next={next} notice="noPassword" />, 403);
    const password = typeof body.password === 'string' ? body.password : '';
    if (!(await verifyPassword(password, hash))) {
      const lockMs = side.throttle.failed(request.ip);
      request.log.warn({ ip: request.ip, lockMs }, 'failed staff sign-in');
      reply.header('retry-after', String(Math.ceil(lockMs / 1000)));
      return side.sendPage(reply, <LoginPage ctx={ctx} next={next} notice="wrong" />, 401);
    }
    side.throttle.succeeded(request.ip);
    const id = await startSession(store, side.now());
    setSessionCookies(reply, id, side.isSecure(request));
    return reply.code(303).header('location', next).send();
  });

  pages.post('/logout', async (request, reply) => {
    const id = sessionIdOf(request);
    if (id) await store.deleteAdminSession(hashSessionId(id));
    clearSessionCookies(reply, side.isSecure(request));
    return reply.code(303).header('location', `${LOGIN_PATH}?out=1`).send();
  });
};
