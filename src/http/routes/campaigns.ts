/** API routes: campaigns. */
import type { FastifyInstance } from 'fastify';

export function campaignsRoutes(app: FastifyInstance): void {
  void app;
}
