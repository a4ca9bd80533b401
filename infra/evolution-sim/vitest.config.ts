import { unitProject } from '../../vitest.shared.ts';

export default unitProject('evolution-sim', { testTimeout: 15_000 });
