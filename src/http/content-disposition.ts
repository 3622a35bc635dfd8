/** Content-Disposition for downloads: an ASCII fallback name and the real (Chinese) one, per RFC 6266 / 5987. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string, fallback?: string): string {
  const ascii = (fallback ?? filename).replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  // encodeURIComponent leaves ' ( ) * ! alone; RFC 5987's attr-char does not allow them.
  const encoded = encodeURIComponent(filename).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
