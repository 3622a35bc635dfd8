/**
 * User administration, for the office (mayManageUsers): the list with each user's state and last
 * sign-in, creating a user, changing a role and its scope, resetting a password (a one-time
 * password shown once), disabling and enabling. The rules and the audit entries are the user
 * service's.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { mayManageUsers, ROLES } from '../../services/policies.ts';
import { actorOf, type NewUserInput, type UserScopeInput } from '../../services/user.service.ts';
import { presentUser, presentUserListed } from '../presenters/users.ts';
import { Id, route } from '../route.ts';

const Code = z
  .string()
  .regex(/^\d{12}$/, { error: 'a 12-digit division code' })
  .optional();
const Role = z.enum(ROLES as [string, ...string[]], { error: `one of ${ROLES.join(', ')}` });
const UserParams = z.object({ id: Id });

export function usersRoutes(app: FastifyInstance): void {
  const { users } = app.services;

  route(app, {
    method: 'GET',
    url: '/users',
    summary: 'List users, with their state and last sign-in',
    tags: ['users'],
    access: mayManageUsers,
    handler: async ({ user }) => ({ users: (await users.list(actorOf(user))).map(presentUserListed) }),
  });

  route(app, {
    method: 'POST',
    url: '/users',
    summary: 'Create a user',
    tags: ['users'],
    access: mayManageUsers,
    body: z.object({
      username: z.string().min(2).max(40),
      role: Role,
      displayName: z.string().max(100).optional(),
      township: Code,
      village: Code,
      area: Code,
    }),
    handler: async ({ user: admin, body }) => {
      const { user, password } = await users.create(actorOf(admin), body as NewUserInput);
      // The one-time password is shown once, to the admin who created the user.
      return { user: presentUser(user), password };
    },
  });

  route(app, {
    method: 'PATCH',
    url: '/users/:id',
    summary: "Change a user's role and scope",
    tags: ['users'],
    access: mayManageUsers,
    params: UserParams,
    body: z.object({ role: Role, township: Code, village: Code, area: Code }),
    handler: async ({ user, params, body }) => ({ user: presentUserListed(await users.updateScope(actorOf(user), params.id, body as UserScopeInput)) }),
  });

  route(app, {
    method: 'POST',
    url: '/users/:id/reset-password',
    summary: "Reset a user's password to a one-time password",
    tags: ['users'],
    access: mayManageUsers,
    params: UserParams,
    handler: async ({ user: admin, params }) => {
      const { user, password } = await users.resetPassword(actorOf(admin), params.id);
      // Shown once, to the admin who reset it; the user must change it at the next sign-in.
      return { user: presentUserListed(user), password };
    },
  });

  route(app, {
    method: 'POST',
    url: '/users/:id/disable',
    summary: 'Disable a user (their sessions end)',
    tags: ['users'],
    access: mayManageUsers,
    params: UserParams,
    handler: async ({ user, params }) => ({ user: presentUserListed(await users.disable(actorOf(user), params.id)) }),
  });

  route(app, {
    method: 'POST',
    url: '/users/:id/enable',
    summary: 'Enable a disabled user',
    tags: ['users'],
    access: mayManageUsers,
    params: UserParams,
    handler: async ({ user, params }) => ({ user: presentUserListed(await users.enable(actorOf(user), params.id)) }),
  });
}
