/** API routes: assessments. */
import type { FastifyInstance } from 'fastify';

export function assessmentsRoutes(app: FastifyInstance): void {
  void app;
}
