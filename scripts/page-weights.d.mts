/** Types of page-weights.mjs, for the TypeScript that imports it (bench/web.ts). */
export interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;
export const PAGES: Record<string, string | null>;
export function pageFiles(manifest: Manifest, pageKey: string | null): string[];
export interface PageWeight {
  files: string[];
  raw: number;
  gzip: number;
  brotli: number;
}
export function pageWeights(root: string, manifest: Manifest, pages?: Record<string, string | null>): Record<string, PageWeight>;
