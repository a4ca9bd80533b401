import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AnyFastify } from './types.ts';

/** OpenAPI document at `/openapi.json`, Swagger UI at `/docs`; built from the route schemas. */
export async function registerDocs(
  app: AnyFastify,
  info: { title: string; description: string; version?: string; bearerAuth?: boolean },
): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: info.title, description: info.description, version: info.version ?? '1.0.0' },
      ...(info.bearerAuth
        ? {
            components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
            security: [{ bearerAuth: [] }],
          }
        : {}),
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
