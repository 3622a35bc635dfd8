/**
 * Text typed into the API's forms is held to what a sheet's cell is: no NUL or other control
 * character anywhere, no line break or tab but in notes. Each refusal names the field and the
 * character's place, and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTextCharacters } from '../../src/http/route.ts';
import { signIn, startServer, type Client, type TestServer } from '../http.ts';
import { storeTargets } from '../stores.ts';

describe('checkTextCharacters', () => {
  it('refuses control characters everywhere, line breaks and tabs but in notes, and names the field', () => {
    expect(() => checkTextCharacters('body', { name: 'a\u0000b' })).toThrow('body.name: contains a NUL character (U+0000, at character 2): remove it');
    expect(() => checkTextCharacters('body', { members: ['zhang', 'wang\u001b'] })).toThrow(/^body\.members\.1: contains a control character \(U\+001B, at character 5\)/);
    expect(() => checkTextCharacters('body', { name: 'two\nlines' })).toThrow('body.name: contains a line break (at character 4): this field takes one line');
    expect(() => checkTextCharacters('body', { note: 'two\nlines\tand a tab', reason: 'a\r\nb', comment: 'x\ny' })).not.toThrow();
    expect(() => checkTextCharacters('body', { note: 'bell\u0007' })).toThrow(/^body\.note: contains a control character \(U\+0007/);
    expect(() => checkTextCharacters('body', { name: '石桥村\ufffd' })).toThrow(/^body\.name: contains U\+FFFD/);
    // Passwords go by their own rules.
    expect(() => checkTextCharacters('body', { newPassword: 'tab\tin it' })).not.toThrow();
  });
});

describe.each(storeTargets())('forms over HTTP ($dialect)', (target) => {
  let server: TestServer;
  let admin: Client;
  beforeAll(async () => {
    server = await startServer(target);
    await server.app.services.users.create({ user: 'admin', role: 'admin' }, { username: 'office', role: 'admin', password: 'desk-lamp-2021' });
    admin = await signIn(server.app, 'office', 'desk-lamp-2021');
  }, 60_000);
  afterAll(() => server?.close());

  it('refuses a campaign, a team or a user whose name holds a NUL, an escape or a line break, changing nothing', async () => {
    const count = async () => ({
      campaigns: Number(
        (
          await server.store.db
            .selectFrom('campaigns')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      users: Number(
        (
          await server.store.db
            .selectFrom('users')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      audit: Number(
        (
          await server.store.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    });
    const before = await count();
    const cases: Array<[string, unknown, RegExp]> = [
      ['/api/campaigns', { name: '2020年度\u0000考核', year: 2020, schemeVersionId: 1 }, /^body\.name: contains a NUL character \(U\+0000, at character 7\)/],
      ['/api/campaigns', { name: '2020年度\n考核', year: 2020, schemeVersionId: 1 }, /^body\.name: contains a line break \(at character 7\): this field takes one line/],
      ['/api/campaigns/1/teams', { name: '第一\u001b组', members: [] }, /^body\.name: contains a control character \(U\+001B/],
      ['/api/users', { username: 'li', role: 'viewer', displayName: '李\t四' }, /^body\.displayName: contains a tab/],
    ];
    for (const [url, body, message] of cases) {
      const res = await admin.post(url, body);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { code: 'validation', message: expect.stringMatching(message) } });
    }
    expect(await count()).toEqual(before);
  });
});
