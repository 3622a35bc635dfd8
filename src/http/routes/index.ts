/** Every API route, grouped by resource. */
import type { FastifyInstance } from 'fastify';
import { assessmentsRoutes } from './assessments.ts';
import { authRoutes, type AuthOptions } from './auth.ts';
import { campaignsRoutes } from './campaigns.ts';
import { registryRoutes } from './registry.ts';
import { reportsRoutes } from './reports.ts';
import { schemesRoutes } from './schemes.ts';
import { uploadsRoutes } from './uploads.ts';
import { usersRoutes } from './users.ts';

export async function registerRoutes(app: FastifyInstance, options: AuthOptions): Promise<void> {
  authRoutes(app, options);
  usersRoutes(app);
  registryRoutes(app);
  schemesRoutes(app);
  campaignsRoutes(app);
  assessmentsRoutes(app);
  await uploadsRoutes(app);
  reportsRoutes(app);
  app.get('/health', { schema: { summary: 'Liveness', tags: ['system'] } }, async () => ({ ok: true }));
}
