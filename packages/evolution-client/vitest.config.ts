import { unitProject } from '../../vitest.shared.ts';

// Integration tests talk to the simulator over real sockets, some on purpose slowly (delay, hang).
export default unitProject('evolution-client', { testTimeout: 20_000 });
