export { nodeArgs, REPO_ROOT, spawnChild, startNode, stopAll, type Child, type ChildOptions } from './child.ts';
export { readCpuMs, readPeakRssMb } from './proc-stats.ts';
export { waitHttpOk } from './wait-http.ts';
