/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The staff guard, for the pages (/admin) and the JSON API (/api/v1/admin): every route but the
 * sign-in page refuses without a live session (pages redirect to the sign-in page, the API answers
 * 401), and every state-changing request must come from our own origin (the CSRF check). It runs on
 * onRequest, before any body is read, so a refused upload costs nothing. Unknown paths pass through it
 * like known ones (fastify runs a context's hooks before its not-found handler), so without a session
 * nobody can tell which staff paths exist.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { sendError } from '../../errors';
import { currentSession, isSameOrigin } from '../auth';
import { ErrorPage, LoginPage } from '../pages';
import { HOME_PATH, LOGIN_PATH, type StaffPluginOptions } from './staff-context';

/** Which side of the staff routes the guard protects. */
export interface StaffGuardOptions extends StaffPluginOptions {
  kind: 'pages' | 'api';
}

/**
 * Security headers of the staff JSON API and of staff answers that never reach a route (a URL fastify
 * cannot decode): nothing may frame them, run anything from them or sniff them into HTML. (The pages
 * get theirs, with the CSP nonce of their scripts, from helmet.)
 */
export const STAFF_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

const STAFF_PAGES_PATH = /^\/admin(?:[/?]|$)/;
const STAFF_API_PATH = /^\/api\/v1\/admin(?:[/?]|$)/;

/**
 * Answers a request under /admin or /api/v1/admin whose URL fastify could not decode (e.g. `%zz`) as
 * a staff path without a session is answered, with the same security headers: the pages with a 303 to
 * the sign-in page, the API with the JSON 401. No such URL is a staff route, so a signed-in person
 * loses nothing. Returns false for any other path, which the caller answers.
 */
export function answerMalformedStaffUrl(url: string, reply: FastifyReply): boolean {
  const kind = STAFF_API_PATH.test(url) ? 'api' : STAFF_PAGES_PATH.test(url) ? 'pages' : null;
  if (kind === null) return false;
  reply.headers(STAFF_SECURITY_HEADERS);
  if (kind === 'api') sendError(reply, 'staffUnauthorized');
  else reply.code(303).header('location', LOGIN_PATH).send();
  return true;
}

const guard: FastifyPluginAsync<StaffGuardOptions> = async (instance, { side, kind }) => {
  instance.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (kind === 'api') reply.headers(STAFF_SECURITY_HEADERS);
    const path = request.url.split('?')[0];
    const open = kind === 'pages' && path === LOGIN_PATH;
    if (!open && !(await currentSession(side.store, request, side.now()))) {
      if (kind === 'api') return sendError(reply, 'staffUnauthorized');
      const next = request.method === 'GET' ? request.url : HOME_PATH;
      return reply.code(303).header('location', `${LOGIN_PATH}?next=${encodeURIComponent(next)}`).send();
    }
    if (request.method !== 'GET' && request.method !== 'HEAD' && !isSameOrigin(request, side.allowedOrigins(request))) {
      if (kind === 'api') return sendError(reply, 'forbidden');
      const ctx = side.pageContext(request, reply, !open);
      return side.sendPage(reply, open ? <LoginPage ctx={ctx} next={HOME_PATH} notice="forbidden" /> : <ErrorPage ctx={ctx} message={ctx.t('errors.forbidden')} />, 403);
    }
  });
};

/** The session and CSRF checks, added to the context it is registered in (not encapsulated). */
export const staffGuard = fp(guard, { name: 'staff-guard' });
