/** Signing in and out, the current user, password change (user administration: users.ts). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { passwordMinLength } from '../../services/password-policy.ts';
import { officeTimeZone } from '../../services/time-zone.ts';
import { sessionHours, type Role } from '../../services/policies.ts';
import { csrfTokenFor, signInKey } from '../../services/user.service.ts';
import { presentArea, presentUser } from '../presenters/users.ts';
import { route } from '../route.ts';
import { SESSION_COOKIE } from '../server.ts';

export interface AuthOptions {
  secureCookies: boolean;
  loginRateLimit: number;
}

export function authRoutes(app: FastifyInstance, options: AuthOptions): void {
  const { users } = app.services;
  // The cookie lasts as long as the session (a day for an inspector, see sessionHours).
  const cookieOptions = (role: Role) => ({ path: '/', httpOnly: true, sameSite: 'strict' as const, secure: options.secureCookies, maxAge: sessionHours(role) * 3600 });

  route(app, {
    method: 'POST',
    url: '/auth/login',
    summary: 'Sign in',
    tags: ['auth'],
    access: 'public',
    // Attempts per address and user name, in a minute; the user name as the service counts it
    // (trimmed, one case), so no spelling of it escapes. The service adds the per-name delays and
    // lockout, and bounds the hashing.
    config: {
      rateLimit: {
        max: options.loginRateLimit,
        timeWindow: '1 minute',
        // After the body is parsed, so the key can hold the user name.
        hook: 'preHandler',
        keyGenerator: (req: { ip: string; body?: unknown }) => `${req.ip}|${signInKey(String((req.body as { username?: unknown } | undefined)?.username ?? ''))}`,
      },
    },
    body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
    whileMustChangePassword: true,
    handler: async ({ body, reply, req }) => {
      const user = await users.signIn(body.username, body.password, { ip: req.ip });
      await users.endSession(req.sessionToken);
      const token = await users.startSession(user);
      reply.setCookie(SESSION_COOKIE, token, cookieOptions(user.role));
      return {
        user: presentUser(user),
        area: presentArea(user),
        databaseLevel: (await users.databaseLevel()) ?? null,
        csrfToken: csrfTokenFor(token),
        passwordMinLength: passwordMinLength(),
        timeZone: officeTimeZone(),
      };
    },
  });

  route(app, {
    method: 'POST',
    url: '/auth/logout',
    summary: 'Sign out',
    tags: ['auth'],
    access: 'any',
    whileMustChangePassword: true,
    handler: async ({ req, reply }) => {
      await users.endSession(req.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  });

  route(app, {
    method: 'GET',
    url: '/auth/me',
    summary: 'The signed-in user',
    tags: ['auth'],
    access: 'any',
    whileMustChangePassword: true,
    handler: async ({ user, req }) => ({
      user: presentUser(user),
      area: presentArea(user),
      databaseLevel: (await users.databaseLevel()) ?? null,
      csrfToken: csrfTokenFor(req.sessionToken!),
      passwordMinLength: passwordMinLength(),
      timeZone: officeTimeZone(),
    }),
  });

  route(app, {
    method: 'POST',
    url: '/auth/password',
    summary: 'Change my password',
    tags: ['auth'],
    access: 'any',
    // The password rules are the service's (password-policy.ts): it names what is wrong.
    body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().max(1000) }),
    whileMustChangePassword: true,
    handler: async ({ user, body, req }) => {
      await users.changePassword(user, body.currentPassword, body.newPassword, req.sessionToken);
      return { ok: true };
    },
  });
}
