import type { TestProject } from 'vitest/node';
import './provided.ts';
import { resolveTestInfra } from './infra.ts';
import { ensureTemplate } from './template.ts';

/** Vitest globalSetup: find Postgres/Redis once, migrate the template once, share both. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infra = await resolveTestInfra();
  const template = await ensureTemplate(infra.postgresAdminUrl);
  project.provide('boraInfra', { postgresAdminUrl: infra.postgresAdminUrl, redisUrl: infra.redisUrl, template });
  return () => infra.stop();
}
