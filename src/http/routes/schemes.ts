/** API routes: schemes. */
import type { FastifyInstance } from 'fastify';

export function schemesRoutes(app: FastifyInstance): void {
  void app;
}
