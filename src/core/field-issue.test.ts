/** A refused field in the office's words: each kind of zod issue, and the routes' own sentences. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { issueText } from './field-issue.ts';

const texts = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a refusal');
  return r.error.issues.map((i) => ({ path: i.path.join('.'), ...issueText(i) }));
};

describe('issueText', () => {
  it('says each kind of issue in both languages, with its limits', () => {
    const schema = z.strictObject({
      name: z.string().min(1),
      note: z.string().max(5),
      count: z.number().int().positive(),
      share: z.number().max(100),
      kind: z.enum(['a', 'b']),
      list: z.array(z.string()).min(2),
      flag: z.boolean(),
    });
    expect(texts(schema, { name: '', note: 'toolong', count: 0, share: 101, kind: 'c', list: [], flag: 'yes', extra: 1 })).toEqual([
      { path: 'name', zh: '不能为空', en: 'must not be empty' },
      { path: 'note', zh: '最多5个字符', en: 'at most 5 characters' },
      { path: 'count', zh: '应大于0', en: 'more than 0' },
      { path: 'share', zh: '不能大于100', en: 'at most 100' },
      { path: 'kind', zh: '应为以下之一：a、b', en: 'one of a, b' },
      { path: 'list', zh: '至少2项', en: 'at least 2 entries' },
      { path: 'flag', zh: '类型不对：应为是或否', en: 'not of the right type: boolean expected' },
      { path: '', zh: '不认识的字段：“extra”', en: 'unknown field: "extra"' },
    ]);
    expect(texts(z.object({ n: z.number() }), {})).toEqual([{ path: 'n', zh: '必填，但未填写', en: 'required, but missing' }]);
    expect(texts(z.object({ n: z.number().int() }), { n: 1.5 })[0]).toMatchObject({ zh: '类型不对：应为整数' });
  });

  it("gives a route's own sentence its Chinese, and says an unknown one generally without the English", () => {
    expect(texts(z.string().regex(/^\d{12}$/, 'a 12-digit division code'), '52')).toEqual([{ path: '', zh: '应为12位行政区划代码', en: 'a 12-digit division code' }]);
    expect(texts(z.enum(['x', 'y'], { message: 'one of x, y' }), 'z')).toEqual([{ path: '', zh: '应为以下之一：x, y', en: 'one of x, y' }]);
    expect(
      texts(
        z.string().refine(() => false, 'some new rule'),
        's',
      ),
    ).toEqual([{ path: '', zh: '填写的值不符合要求', en: 'some new rule' }]);
    expect(texts(z.string().regex(/^x/), 'y')[0]).toMatchObject({ zh: '格式不对', en: 'not in the expected format (regex)' });
  });
});
