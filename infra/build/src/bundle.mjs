// Production builds: every process entry bundled into one ES module (`<package>/dist/<name>.mjs`)
// with esbuild — our workspace packages inlined, third-party packages left as imports of the files
// they resolve to — so production runs plain JavaScript, without the TypeScript loader (`pnpm start`
// and the tests keep tsx). The CLI is `cli.mjs`; the benchmark bundles its baselines with `bundle`.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Each process entry: package folder, source entry, bundle name. */
export const ENTRIES = [
  { dir: 'services/booking-api', entry: 'src/server.ts', name: 'server' },
  { dir: 'services/admin-api', entry: 'src/server.ts', name: 'server' },
  { dir: 'services/dispatcher', entry: 'src/server.ts', name: 'server' },
  { dir: 'packages/db', entry: 'src/cli/migrate.ts', name: 'migrate' },
  { dir: 'infra/evolution-sim', entry: 'src/server.ts', name: 'server' },
];

/**
 * Sources that find their files next to themselves (`new URL('../public/x', import.meta.url)`:
 * pages, migrations) keep finding them: inside the bundle, `import.meta.url` of each source file
 * becomes that file's own URL, computed from the bundle's location (so the tree can move).
 */
function sourceUrls(outDir) {
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const fromBundle = relative(outDir, args.path).split('\\').join('/');
        const contents = source.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
        );
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * Workspace packages (`@bora/*`) are bundled; every other package stays an import — of the very file
 * it resolves to from the importing source (pnpm keeps each package's dependencies beside it, not
 * in the service's node_modules), written relative to the bundle so the tree can move as a whole.
 */
function thirdPartyExternal(outDir) {
  return {
    name: 'third-party-external',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith('@bora/') || args.pluginData?.resolving) return undefined;
        if (args.path.startsWith('node:')) return { path: args.path, external: true };
        const found = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: { resolving: true },
        });
        if (found.errors.length > 0 || found.external) return { path: args.path, external: true };
        const path = relative(outDir, found.path).split('\\').join('/');
        return { path: path.startsWith('.') ? path : `./${path}`, external: true };
      });
    },
  };
}

/** Bundles one entry (`dir` relative to the repository) into `<dir>/dist/<name>.mjs`; returns that path. */
export async function bundle({ dir, entry, name }) {
  const outDir = join(root, dir, 'dist');
  const outfile = join(outDir, `${name}.mjs`);
  const result = await build({
    entryPoints: [join(root, dir, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    // Resolve packages as Node does for an ES module importer.
    conditions: ['node', 'import'],
    mainFields: ['main'],
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [thirdPartyExternal(outDir), sourceUrls(outDir)],
    // Bundled code that calls `require` (none of ours; a guard for dependencies' ESM shims).
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`bundled ${relative(root, outfile)} (${Math.round(bytes / 1024)} KiB with its source map)`);
  return outfile;
}
