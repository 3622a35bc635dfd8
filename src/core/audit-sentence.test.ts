import { describe, expect, it } from 'vitest';
import { auditSentence, type AuditSentenceEntry } from './audit-sentence.ts';

const users = new Map([['zhang', '张三']]);
const assessments = new Map([['7', '石桥村']]);
const names = { users, assessments };
const e = (action: string, entity: string, entityId: string, before: unknown, after: unknown): AuditSentenceEntry => ({ actor: 'zhang', action, entity, entityId, before, after });

// Every action the services write, with its zh and en sentence.
const CASES: Array<[AuditSentenceEntry, string, string]> = [
  [
    e('finding.add', 'finding', '31', null, { assessmentId: 7, source: 'inspector', item: '2.1.1', count: 2, household: '王五家' }),
    '张三 在 2.1.1 记录扣分 2 次（王五家）',
    'zhang recorded a finding on 2.1.1 (王五家), count 2',
  ],
  [
    e('finding.withdraw', 'finding', '31', { status: 'active', item: '1.1', count: 1 }, { status: 'withdrawn', reason: '重复' }),
    '张三 撤回了 1.1 的扣分记录 #31，理由：重复',
    'zhang withdrew finding #31 on 1.1; reason: 重复',
  ],
  [
    e('finding.comment', 'finding', '31', null, { assessmentId: 7, item: '1.1', commentId: 2, text: '照片看不清，请补拍' }),
    '张三 对 1.1 的扣分记录 #31 提出评审意见：照片看不清，请补拍',
    'zhang commented on finding #31 on 1.1: 照片看不清，请补拍',
  ],
  [
    e('finding.supersede', 'finding', '32', { findings: [{ id: 31, count: 1 }] }, { count: 2 }),
    '张三 将扣分记录 #32 的扣分次数由 1 改为 2',
    'zhang changed the count of finding #32 from 1 to 2',
  ],
  [
    e('assessment.score', 'assessment', '7', { base: 180, bonus: 0, total: 180 }, { base: 178, bonus: 0, total: 178 }),
    '石桥村 的考核总分由 180 变为 178（张三 的操作后重新计分）',
    "the total of the assessment of 石桥村 went from 180 to 178 (rescored after zhang's change)",
  ],
  [e('assessment.submit', 'assessment', '7', { status: 'draft' }, { status: 'submitted' }), '张三 提交了 石桥村 的考核', 'zhang submitted the assessment of 石桥村'],
  [
    e('assessment.submit', 'assessment', '7', { status: 'draft' }, { status: 'submitted', items: 40, unchecked: 3, uncheckedItems: ['1.1', '1.2', '4.1'], openSuggestions: 1 }),
    '张三 提交了 石桥村 的考核（3 项未查，1 条提示未处理）',
    'zhang submitted the assessment of 石桥村 (3 items not looked at, 1 suggestion open)',
  ],
  [
    e('assessment.submit', 'assessment', '7', { status: 'draft' }, { status: 'submitted', items: 40, unchecked: 0, uncheckedItems: [], openSuggestions: 0 }),
    '张三 提交了 石桥村 的考核',
    'zhang submitted the assessment of 石桥村',
  ],
  [
    e('item.check', 'assessment', '7', { item: '2.4.1', checked: false }, { item: '2.4.1', checked: true }),
    '张三 在 石桥村 的考核中将 2.4.1 标为已查，无扣分',
    'zhang marked 2.4.1 of the assessment of 石桥村 checked, no deduction',
  ],
  [
    e('item.uncheck', 'assessment', '7', { item: '2.4.1', checked: true }, { item: '2.4.1', checked: false }),
    '张三 在 石桥村 的考核中取消了 2.4.1 的已查标记',
    'zhang took back the checked mark of 2.4.1 of the assessment of 石桥村',
  ],
  [
    e('assessment.sendBack', 'assessment', '7', { status: 'submitted' }, { status: 'draft', comment: '补证据' }),
    '张三 退回了 石桥村 的考核，理由：补证据',
    'zhang sent back the assessment of 石桥村; reason: 补证据',
  ],
  [e('assessment.review', 'assessment', '7', { status: 'submitted' }, { status: 'reviewed' }), '张三 审核通过了 石桥村 的考核', 'zhang approved the assessment of 石桥村'],
  [e('assessment.publish', 'assessment', '7', { status: 'reviewed' }, { status: 'published' }), '张三 发布了 石桥村 的考核结果', 'zhang published the results of 石桥村'],
  [e('appeal.open', 'appeal', '4', null, { assessmentId: 7, item: '1.1', reason: '已补' }), '张三 对 1.1 提出申诉 #4，理由：已补', 'zhang appealed 1.1 (appeal #4); reason: 已补'],
  [
    e('appeal.upheld', 'appeal', '4', { status: 'open', total: 170 }, { status: 'upheld', reason: '属实', total: 172 }),
    '张三 支持了申诉 #4，总分由 170 变为 172，理由：属实',
    'zhang upheld appeal #4; total 170 → 172; reason: 属实',
  ],
  [
    e('appeal.rejected', 'appeal', '4', { status: 'open', total: 170 }, { status: 'rejected', reason: '不属实', total: 170 }),
    '张三 驳回了申诉 #4，理由：不属实',
    'zhang rejected appeal #4; reason: 不属实',
  ],
  [
    e('appeal.adjusted', 'appeal', '4', { status: 'open', total: 170 }, { status: 'adjusted', reason: '部分', total: 171, count: 1 }),
    '张三 部分支持了申诉 #4，总分由 170 变为 171，理由：部分',
    'zhang adjusted appeal #4; total 170 → 171; reason: 部分',
  ],
  [
    e('campaign.create', 'campaign', '1', null, { name: '2020年度考核', year: 2020, villages: 30 }),
    '张三 创建了考核 “2020年度考核”（2020年度，30 个村）',
    'zhang created the campaign "2020年度考核" (2020, 30 villages)',
  ],
  [
    e('campaign.team', 'inspection_team', '2', null, { campaignId: 1, name: '第一组', members: ['zhang', 'li'] }),
    '张三 设置考核组 “第一组” 的成员为 张三、li',
    'zhang set the members of team "第一组": zhang, li',
  ],
  [e('campaign.assign', 'inspection_team', '2', null, { campaignId: 1, villages: ['a', 'b'] }), '张三 给考核组 #2 分配了 2 个村', 'zhang assigned 2 villages to team #2'],
  [
    e('campaign.assign', 'inspection_team', '2', null, { campaignId: 1, villages: ['a'], townships: ['t1', 't2'], count: 40 }),
    '张三 给考核组 #2 分配了 40 个村（含 2 个乡镇的全部村）',
    'zhang assigned 40 villages to team #2 (every village of 2 townships among them)',
  ],
  [
    e('campaign.assign', 'inspection_team', '2', null, { campaignId: 1, villages: [], all: true, count: 500 }),
    '张三 给考核组 #2 分配了全部 500 个村',
    'zhang assigned all 500 villages to team #2',
  ],
  [
    e('campaign.rescore', 'campaign', '1', {}, { scheme: 'seed-2020 v2', changed: 3 }),
    '张三 将考核 #1 改用方案 seed-2020 v2 重新计分，3 个村得分变化',
    'zhang rescored campaign #1 under scheme seed-2020 v2: 3 villages changed',
  ],
  [e('scheme.version', 'scheme_version', '5', null, { scheme: 'seed-2020', version: 2 }), '张三 登记了考核方案 seed-2020 第 2 版', 'zhang registered scheme seed-2020 version 2'],
  [
    e('ranking.snapshot', 'ranking_snapshot', '9', null, { campaignId: 1, villages: 30 }),
    '张三 保存了考核 #1 的排名快照（30 个村）',
    'zhang kept a ranking snapshot of campaign #1 (30 villages)',
  ],
  [
    e('evidence.add', 'evidence', '12', null, { findingId: 31, filename: 'photo.jpg' }),
    '张三 为扣分记录 #31 上传了证据 photo.jpg',
    'zhang added evidence photo.jpg to finding #31',
  ],
  [
    e('suggestion.derive', 'assessment', '7', null, { added: 4 }),
    '系统为 石桥村 的考核生成了 4 条扣分提示（张三）',
    '4 suggestions were derived for the assessment of 石桥村 (zhang)',
  ],
  [
    e('suggestion.accept', 'suggestion', '3', { status: 'open' }, { status: 'accepted', findingId: 33 }),
    '张三 采纳了扣分提示 #3，记为扣分记录 #33',
    'zhang accepted suggestion #3 as finding #33',
  ],
  [
    e('suggestion.dismiss', 'suggestion', '3', { status: 'open' }, { status: 'dismissed', reason: '不适用' }),
    '张三 忽略了扣分提示 #3，理由：不适用',
    'zhang dismissed suggestion #3; reason: 不适用',
  ],
  [
    e('user.create', 'user', '8', null, { username: 'li', displayName: '李四', role: 'inspector' }),
    '张三 创建了用户 李四（li，考核组成员）',
    'zhang created the user 李四 (li, inspector)',
  ],
  [
    e(
      'user.update',
      'user',
      '8',
      { username: 'li', role: 'inspector', township: null, village: null },
      { username: 'li', role: 'village', township: null, village: '522425100201' },
    ),
    '张三 将用户 li 的角色和范围由 考核组成员 改为 村用户（522425100201）',
    'zhang changed the role and scope of user li from inspector to village user (522425100201)',
  ],
  [
    e('user.update', 'user', '9', { username: 'wu', role: 'admin', township: null, village: null }, { username: 'wu', role: 'reviewer', township: '522425100000', village: null }),
    '张三 将用户 wu 的角色和范围由 扶贫办 改为 审核员（522425100000）',
    'zhang changed the role and scope of user wu from office to reviewer (522425100000)',
  ],
  [
    e('user.resetPassword', 'user', '8', { username: 'li', mustChangePassword: false }, { username: 'li', mustChangePassword: true }),
    '张三 重置了用户 li 的密码（一次性密码，首次登录须修改）',
    'zhang reset the password of user li (a one-time password, to be changed at the next sign-in)',
  ],
  [e('user.disable', 'user', '8', { username: 'li', disabled: false }, { username: 'li', disabled: true }), '张三 停用了用户 li', 'zhang disabled user li'],
  [e('user.enable', 'user', '8', { username: 'li', disabled: true }, { username: 'li', disabled: false }), '张三 启用了用户 li', 'zhang enabled user li'],
  // An entry without the user name (written by hand, or damaged) names the user by id.
  [e('user.disable', 'user', '8', null, null), '张三 停用了用户 8', 'zhang disabled user 8'],
  [e('user.lockout', 'user', 'li', null, { failures: 5, minutes: 15 }), '用户 li 登录失败 5 次，被锁定 15 分钟', 'user li was locked out for 15 minutes after 5 failed sign-ins'],
  [
    e('registry.import', 'registry', 'households', null, { kind: 'households', file: '户表.xlsx', rows: 3, inserted: 1, updated: 2, area: '522425000000', areaName: '织金县' }),
    '张三（织金县） 导入了贫困户：文件 户表.xlsx，3 行，新增 1 条，更新 2 条',
    'zhang (织金县) imported households: file 户表.xlsx, 3 rows, 1 added, 2 updated',
  ],
];

describe('auditSentence', () => {
  it.each(CASES)('%# %o', (entry, zh, en) => {
    expect(auditSentence(entry, 'zh', names)).toBe(zh);
    // English: the display names are given only in Chinese here, so the English uses the username.
    expect(auditSentence(entry, 'en', { assessments })).toBe(en);
  });

  it('names the assessment by id when no village name is given', () => {
    expect(auditSentence(e('assessment.publish', 'assessment', '7', {}, {}), 'zh')).toBe('zhang 发布了 考核 #7 的结果');
    expect(auditSentence(e('assessment.publish', 'assessment', '7', {}, {}), 'en')).toBe('zhang published the results of assessment #7');
  });

  it('falls back to a plain sentence for an unknown action, with a status change when there is one', () => {
    expect(auditSentence(e('thing.frob', 'thing', '3', null, null), 'zh')).toBe('zhang 对 thing #3 执行了 thing.frob');
    expect(auditSentence(e('thing.frob', 'thing', '3', null, null), 'en')).toBe('zhang did thing.frob on thing #3');
    expect(auditSentence(e('thing.close', 'thing', '3', { status: 'draft' }, { status: 'published' }), 'zh')).toBe('zhang 将 thing #3 的状态由 草稿 改为 已发布（thing.close）');
    expect(auditSentence(e('thing.close', 'thing', '3', { status: 'draft' }, { status: 'published' }), 'en')).toBe(
      'zhang changed the status of thing #3 from draft to published (thing.close)',
    );
    // Odd before/after values never throw.
    expect(auditSentence(e('finding.supersede', 'finding', '1', 'x', [1]), 'en')).toBe('zhang changed the count of finding #1 from ? to ?');
  });
});
