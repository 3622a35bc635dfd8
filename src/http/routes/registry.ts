/** API routes: registry. */
import type { FastifyInstance } from 'fastify';

export function registryRoutes(app: FastifyInstance): void {
  void app;
}
