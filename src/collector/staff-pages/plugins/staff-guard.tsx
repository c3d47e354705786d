/** @jsxRuntime automatic @jsxImportSource preact */
/*
 * The staff guard, for the pages (/admin) and the JSON API (/api/v1/admin): every route but the
 * sign-in page refuses without a live session (pages redirect to the sign-in page, the API answers
 * 401), and every state-changing request must come from our own origin (the CSRF check). It runs on
 * onRequest, before any body is read, so a refused upload costs nothing.
 */
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { sendError } from '../../errors';
import { currentSession, isSameOrigin } from '../auth';
import { ErrorPage, LoginPage } from '../pages';
import { HOME_PATH, LOGIN_PATH, type StaffPluginOptions } from './staff-context';

/** Which side of the staff routes the guard protects. */
export interface StaffGuardOptions extends StaffPluginOptions {
  kind: 'pages' | 'api';
}

const guard: FastifyPluginAsync<StaffGuardOptions> = async (instance, { side, kind }) => {
  instance.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
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
