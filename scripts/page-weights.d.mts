/** Types of page-weights.mjs, for the TypeScript that imports it (bench/web.ts). */
export interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;
export type PageKeys = string | string[] | null;
export const PAGES: Record<string, PageKeys>;
export function pageFiles(manifest: Manifest, pageKeys: PageKeys): string[];
export interface PageWeight {
  files: string[];
  raw: number;
  gzip: number;
  brotli: number;
}
export function pageWeights(root: string, manifest: Manifest, pages?: Record<string, PageKeys>): Record<string, PageWeight>;
