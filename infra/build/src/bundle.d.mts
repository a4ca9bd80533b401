export interface BundleEntry {
  /** Package folder, relative to the repository. */
  dir: string;
  /** Source entry, relative to `dir`. */
  entry: string;
  /** Bundle name: `<dir>/dist/<name>.mjs`. */
  name: string;
}
export declare const ENTRIES: readonly BundleEntry[];
/** Bundles one entry; resolves with the bundle's absolute path. */
export declare function bundle(entry: BundleEntry): Promise<string>;
