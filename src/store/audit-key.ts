/**
 * The audit log's key: a secret kept outside the database, so that whoever can write the
 * database cannot rewrite the log and compute its chain again. From KAOHE_AUDIT_KEY (hex or
 * base64, at least 32 bytes), or the file KAOHE_AUDIT_KEY_FILE; by default `audit.key` beside an
 * SQLite database file, or in KAOHE_DATA_DIR (default ./data) for PostgreSQL. A missing file is
 * created with 32 random bytes, readable by its owner only.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where the key file of a database is, unless the environment names the key itself. */
export function auditKeyFile(url: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.KAOHE_AUDIT_KEY_FILE) return resolve(env.KAOHE_AUDIT_KEY_FILE);
  if (!/^postgres(ql)?:\/\//.test(url) && url !== ':memory:') return join(dirname(resolve(url)), 'audit.key');
  return join(resolve(env.KAOHE_DATA_DIR ?? 'data'), 'audit.key');
}

function decodeKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]+$/i.test(t) && t.length % 2 === 0 ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length < 32) throw new Error(`${where}: the audit key must hold at least 32 bytes (64 hex digits or 44 base64 characters)`);
  return key;
}

/** The audit key for a database URL: from the environment, the key file, or a new key file. */
export function resolveAuditKey(url: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.KAOHE_AUDIT_KEY) return decodeKey(env.KAOHE_AUDIT_KEY, 'KAOHE_AUDIT_KEY');
  // An in-memory database lives as long as its process: so does its key.
  if (url === ':memory:' && !env.KAOHE_AUDIT_KEY_FILE) return randomBytes(32);
  const file = auditKeyFile(url, env);
  try {
    return decodeKey(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(file), { recursive: true });
  // Written whole under another name, then linked into place: two processes starting at once
  // make one key, and neither reads a half-written file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return decodeKey(readFileSync(file, 'utf8'), file);
}
