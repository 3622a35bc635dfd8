/** `kaohe serve`: the web application and its API; `kaohe user add`: users from the command line. */
import { KaoheError } from '../../core/errors.ts';
import { buildServer } from '../../http/server.ts';
import { firstStart } from '../../services/bootstrap.service.ts';
import { CLI_ADMIN, ROLES, type Role } from '../../services/policies.ts';
import { openServices } from '../../compose.ts';

export async function runServe(opts: { port: number; host: string; demo: boolean }): Promise<void> {
  const services = await openServices();
  // What a crash or a kill left in the evidence store (half-written uploads) goes first.
  const tidied = await services.tidyEvidence();
  const app = await buildServer({ store: services.store, services, logger: process.env.KAOHE_LOG !== '0' });
  const first = await firstStart(services, { demo: opts.demo, inProgress: true });
  const close = async () => {
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port: opts.port, host: opts.host });
  const address = `http://${opts.host === '0.0.0.0' ? 'localhost' : opts.host}:${opts.port}/`;
  const lines = ['', `考核 Kaohe is running: ${address}`, `  database: ${services.store.location}`, `  API: ${address}api/docs`];
  if (tidied.temporary || tidied.orphans)
    lines.push(`  evidence: removed ${tidied.temporary} unfinished upload(s) and ${tidied.orphans} file(s) no record names, left by an earlier run`);
  if (first) {
    if (first.demo) lines.push(`  first start: the demo county and the campaign "${first.campaign}" were created`);
    lines.push('  users (one-time passwords, shown only now; each is changed at first sign-in):');
    for (const c of first.credentials) lines.push(`    ${c.username.padEnd(10)} ${c.password}   ${c.role}${c.scope ? ` — ${c.scope}` : ''}`);
  } else {
    lines.push('  sign in with your account (bin/kaohe user add NAME --role ROLE creates one)');
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

export async function runUserAdd(name: string, opts: { role: string; township?: string; village?: string; area?: string; displayName?: string }): Promise<void> {
  if (!ROLES.includes(opts.role as Role)) throw new KaoheError('validation', `--role must be one of ${ROLES.join(', ')}`);
  const services = await openServices();
  try {
    // The command line acts as the office; KAOHE_USER names the person in the audit log, as for `kaohe campaign`.
    const actor = { ...CLI_ADMIN, user: process.env.KAOHE_USER ?? CLI_ADMIN.user };
    const { user, password } = await services.users.create(actor, {
      username: name,
      role: opts.role as Role,
      ...(opts.township ? { township: opts.township } : {}),
      ...(opts.village ? { village: opts.village } : {}),
      ...(opts.area ? { area: opts.area } : {}),
      ...(opts.displayName ? { displayName: opts.displayName } : {}),
    });
    process.stdout.write(`user ${user.username} (${user.role}${user.area ? `, area ${user.area}` : ''}) created; one-time password: ${password}\n`);
  } finally {
    await services.close();
  }
}
