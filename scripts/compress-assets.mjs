/**
 * The web build's last step: a brotli (`.br`) and a gzip (`.gz`) copy beside every file of
 * dist/web that compresses (scripts, styles, HTML, SVG, JSON, source maps, fonts that are not
 * already compressed), so the server sends them as they are (@fastify/static `preCompressed`)
 * instead of compressing on every request. Both at their highest level: this runs once a build.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Files worth compressing, by extension (woff2 is brotli inside already; woff is zlib inside). */
export const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|map|txt|xml|ttf|otf|ico|wasm)$/i;

/** Files smaller than this are left alone: the headers cost more than the bytes saved. */
export const MIN_SIZE = 1024;

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible file under `dir` of at least
 * `MIN_SIZE` bytes, keeping a copy only when it is smaller than the original (the server then
 * falls back to the next encoding, and last to the file itself). Stale copies of an earlier run
 * are removed first. Returns what was written, for the build's summary.
 */
export function compressAssets(dir) {
  const files = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(dir);
  for (const path of files) if (/\.(br|gz)$/.test(path)) rmSync(path);
  const summary = { files: 0, bytes: 0, brotli: 0, gzip: 0 };
  for (const path of files) {
    if (!COMPRESSIBLE.test(path) || statSync(path).size < MIN_SIZE) continue;
    const bytes = readFileSync(path);
    const br = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: /\.(ttf|otf|ico|wasm)$/i.test(path) ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
    summary.files++;
    summary.bytes += bytes.length;
    if (br.length < bytes.length) {
      writeFileSync(`${path}.br`, br);
      summary.brotli += br.length;
    } else summary.brotli += bytes.length;
    if (gz.length < bytes.length) {
      writeFileSync(`${path}.gz`, gz);
      summary.gzip += gz.length;
    } else summary.gzip += bytes.length;
  }
  return summary;
}
