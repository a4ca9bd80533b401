import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'services/*', 'infra/evolution-sim', 'infra/dev', 'infra/build', 'infra/chaos'],
  },
});
