import { infraProject } from '../../vitest.shared.ts';

export default infraProject('e2e', { testTimeout: 90_000 });
