// Entry: `pnpm --filter @bora/bench profile <file.cpuprofile> [top=25] [function]` — where a V8 CPU
// profile (from `pnpm bench --profile`) spends its time: self time by function and by package, and,
// given a function name, which packages' code called it (its nearest caller outside Node core).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, focus] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-top <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** `node_modules/.pnpm/x@1/node_modules/x/…` → `x`; our code → its workspace folder. */
function packageOf(url: string): string {
  if (!url) return '(native/idle)';
  const modules = url.split('node_modules/');
  if (modules.length > 1) {
    const rest = modules.at(-1)!;
    return rest.startsWith('@') ? rest.split('/').slice(0, 2).join('/') : rest.split('/')[0]!;
  }
  if (url.startsWith('node:')) return 'node:core';
  const match = /\/(services|packages|infra)\/([^/]+)\//.exec(url);
  return match ? `${match[1]}/${match[2]}` : url;
}

/**
 * Who a sample's time is charged to: its own package, or for Node core and native frames (socket
 * writes, HTTP parsing, timers) the nearest package frame that called them. Idle, GC and the
 * engine's own work keep their names.
 */
function ownerOf(id: number): string {
  const frame = byId.get(id)!.callFrame;
  if (['(idle)', '(garbage collector)', '(program)', '(root)'].includes(frame.functionName)) return frame.functionName;
  const own = packageOf(frame.url);
  return own === 'node:core' || own === '(native/idle)' ? `${callerPackage(id)} (via node)` : own;
}

const functions = new Map<string, number>();
const packages = new Map<string, number>();
for (const [id, us] of selfUs) {
  const frame = byId.get(id)!.callFrame;
  const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(services|packages|infra)\//, '$1/')}:${frame.lineNumber + 1}`;
  functions.set(name, (functions.get(name) ?? 0) + us);
  const pkg = ownerOf(id);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
}

const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
/** The first ancestor frame that is neither Node core nor native: who asked for this work. */
function callerPackage(id: number): string {
  for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) {
    const pkg = packageOf(byId.get(at)!.callFrame.url);
    if (pkg !== 'node:core' && pkg !== '(native/idle)') return pkg;
  }
  return '(none)';
}

console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('time by responsible package (core and native work charged to the package that asked)', packages);
print('self time by function', functions);
if (focus) {
  const callers = new Map<string, number>();
  for (const [id, us] of selfUs) {
    if (byId.get(id)!.callFrame.functionName !== focus) continue;
    const pkg = callerPackage(id);
    callers.set(pkg, (callers.get(pkg) ?? 0) + us);
  }
  print(`callers of ${focus} (nearest package frame)`, callers);
}
