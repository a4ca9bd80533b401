// `pnpm build [package-dir…]`: bundles every process entry (or the named ones) for production.
import { bundle, ENTRIES } from './bundle.mjs';

const wanted = process.argv.slice(2).map((d) => d.replace(/\/$/, ''));
const chosen = wanted.length === 0 ? ENTRIES : ENTRIES.filter((e) => wanted.includes(e.dir));
if (chosen.length === 0) {
  console.error(`no entry for ${wanted.join(', ')}; known: ${ENTRIES.map((e) => e.dir).join(', ')}`);
  process.exit(1);
}
for (const entry of chosen) await bundle(entry);
