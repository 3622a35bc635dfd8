/**
 * A server for the offline-capture tests (idempotency keys, uploads in parts): the first start's
 * demo county and campaign, its users (the inspector's team has the first township's villages),
 * and a second inspector whose team has a village of the second township.
 */
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_CAMPAIGN, firstStart } from '../src/services/bootstrap.service.ts';
import { compose } from '../src/compose.ts';
import { signIn, startServer, type Client, type TestServer } from './http.ts';
import type { StoreTarget } from './stores.ts';

export type OfflineWho = 'admin' | 'inspector' | 'inspector2' | 'village' | 'reviewer';

export interface OfflineServer {
  server: TestServer;
  as: Record<OfflineWho, Client>;
  /** A draft of the inspector's team (first township). */
  A: number;
  /** A draft of the second inspector's team. */
  C: number;
  version(id: number): Promise<number>;
  count(table: 'findings' | 'evidence' | 'item_checks' | 'idempotency_keys'): Promise<number>;
}

export async function offlineServer(target: StoreTarget, options: { clock?: () => Date } = {}): Promise<OfflineServer> {
  const server = await startServer(target, options.clock ? { clock: options.clock } : {});
  const first = (await firstStart(server.app.services))!;
  const db = server.store.db;
  const townships = await db.selectFrom('areas').select('code').where('level', '=', 'township').orderBy('code').execute();
  const villagesOf = async (t: string) => (await db.selectFrom('areas').select('code').where('parent_code', '=', t).orderBy('code').execute()).map((v) => v.code);
  const t1 = await villagesOf(townships[0]!.code);
  const t2 = await villagesOf(townships[1]!.code);
  const password = 'a-good-password';
  await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'inspector2', role: 'inspector', password });
  const passwords: Record<string, string> = { inspector2: password };
  for (const c of first.credentials) passwords[c.username] = c.password;
  const as = {} as Record<OfflineWho, Client>;
  for (const who of ['admin', 'inspector', 'inspector2', 'village', 'reviewer'] as const) as[who] = await signIn(server.app, who, passwords[who]!);
  const campaigns = compose({ store: server.store }).campaigns;
  const campaignId = await campaigns.setup.campaignByName(DEMO_CAMPAIGN);
  const A = await campaigns.assessments.assessmentId(campaignId, t1[0]!);
  const C = await campaigns.assessments.assessmentId(campaignId, t2[0]!);
  const ok = (res: LightMyRequestResponse) => {
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  };
  ok(await as.admin.post(`/api/campaigns/${campaignId}/teams`, { name: '第二考核组', members: ['inspector2'] }));
  ok(await as.admin.post(`/api/campaigns/${campaignId}/assign`, { team: '第二考核组', villages: [t2[0]!] }));
  return {
    server,
    as,
    A,
    C,
    version: async (id) => (await db.selectFrom('assessments').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version,
    count: async (table) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
  };
}
