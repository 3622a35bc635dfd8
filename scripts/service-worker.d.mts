/** Types of service-worker.mjs, for the TypeScript that imports it (its test). */
export const SW_FILE: string;
export function precacheList(dir: string): string[];
export function shellVersion(dir: string, list: string[]): string;
export function buildServiceWorker(options: { root: string; outDir: string }): Promise<{ files: number; version: string }>;
