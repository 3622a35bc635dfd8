/** Types of compress-assets.mjs, for the TypeScript that imports it (its test, the bench). */
export const COMPRESSIBLE: RegExp;
export const MIN_SIZE: number;
export interface CompressSummary {
  files: number;
  bytes: number;
  brotli: number;
  gzip: number;
}
export function compressAssets(dir: string): CompressSummary;
