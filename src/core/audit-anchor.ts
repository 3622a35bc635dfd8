/** An anchor of the audit log: its head (number of entries, hash) kept outside the log itself. */
export interface AuditAnchor {
  entries: number;
  /** The hash, or a prefix of it of at least 16 hex digits (as printed on a report). */
  hash: string;
  /** Where it was kept, for messages: "ranking snapshot 3 (…)", "the printed anchor …". */
  source: string;
}

/** Parses a printed anchor `N:HEX` (HEX at least 16 hex digits); null when it is not one. */
export function parseAnchor(text: string, source = 'the anchor given'): AuditAnchor | null {
  const m = /^\s*(\d{1,12})\s*[:：]\s*([0-9a-f]{16,64})\s*$/i.exec(text);
  return m ? { entries: Number(m[1]), hash: m[2]!.toLowerCase(), source } : null;
}

/** The anchor as printed on a report: `N:` and the first 16 hex digits of the hash. */
export function formatAnchor(head: { entries: number; hash: string }): string {
  return `${head.entries}:${head.hash.slice(0, 16)}`;
}
