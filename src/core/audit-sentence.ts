/**
 * An audit entry as a sentence a person reads (审计日志的文字说明): who did what to which
 * thing, in Chinese or English, built from the entry's action, entity and its before/after
 * values, plus the names the caller could give (users' display names, villages of assessments).
 * Unknown actions get a plain fallback sentence, never an error.
 */
import type { AuditEntryRecord } from './campaign/records.ts';
import { kindSpec } from './registry/kinds.ts';
import type { Lang } from './scheme/model.ts';

/** What a sentence is built from: an audit entry's fields. */
export type AuditSentenceEntry = Pick<AuditEntryRecord, 'actor' | 'action' | 'entity' | 'entityId' | 'before' | 'after'>;

/** Names the caller knows: display names by username, village names by assessment id. */
export interface AuditNames {
  users?: ReadonlyMap<string, string>;
  assessments?: ReadonlyMap<string, string>;
}

type Fields = Record<string, unknown>;

function fields(v: unknown): Fields {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

const STATUS: Record<Lang, Record<string, string>> = {
  zh: { draft: '草稿', submitted: '已提交', reviewed: '已审核', published: '已发布', active: '有效', withdrawn: '已撤回' },
  en: { draft: 'draft', submitted: 'submitted', reviewed: 'reviewed', published: 'published', active: 'active', withdrawn: 'withdrawn' },
};

const ROLE: Record<Lang, Record<string, string>> = {
  zh: { admin: '扶贫办', reviewer: '审核员', inspector: '考核组成员', viewer: '查看者', village: '村用户' },
  en: { admin: 'office', reviewer: 'reviewer', inspector: 'inspector', viewer: 'viewer', village: 'village user' },
};

/** The sentence of one audit entry in the reader's language. */
export function auditSentence(entry: AuditSentenceEntry, lang: Lang, names: AuditNames = {}): string {
  const b = fields(entry.before);
  const a = fields(entry.after);
  const zh = lang === 'zh';
  const who = names.users?.get(entry.actor) ?? entry.actor;
  const id = entry.entityId;
  const village = names.assessments?.get(id);
  const assessment = zh ? (village ? `${village} 的考核` : `考核 #${id}`) : village ? `the assessment of ${village}` : `assessment #${id}`;
  const results = zh ? (village ? `${village} 的考核结果` : `考核 #${id} 的结果`) : village ? `the results of ${village}` : `the results of assessment #${id}`;
  const status = (s: unknown) => STATUS[lang][str(s) ?? ''] ?? str(s) ?? '—';
  const reason = (r: unknown) => (str(r) ? (zh ? `，理由：${str(r)}` : `; reason: ${str(r)}`) : '');
  const item = str(a.item) ?? str(b.item) ?? '?';

  switch (entry.action) {
    case 'finding.add': {
      const count = str(a.count) ?? '1';
      const household = str(a.household) ? (zh ? `（${str(a.household)}）` : ` (${str(a.household)})`) : '';
      const source = a.source === 'suggestion' ? (zh ? '采纳系统提示' : ' from a suggestion') : '';
      return zh ? `${who} ${source}在 ${item} 记录扣分 ${count} 次${household}` : `${who} recorded a finding on ${item}${household}, count ${count}${source}`;
    }
    case 'finding.withdraw':
      return zh ? `${who} 撤回了 ${item} 的扣分记录 #${id}${reason(a.reason)}` : `${who} withdrew finding #${id} on ${item}${reason(a.reason)}`;
    case 'finding.comment': {
      const text = str(a.text) ?? '';
      return zh ? `${who} 对 ${item} 的扣分记录 #${id} 提出评审意见：${text}` : `${who} commented on finding #${id} on ${item}: ${text}`;
    }
    case 'finding.supersede': {
      const old = Array.isArray(b.findings) ? b.findings.map((f) => str(fields(f).count) ?? '?') : [];
      const from = old.length ? old.join('+') : '?';
      return zh ? `${who} 将扣分记录 #${id} 的扣分次数由 ${from} 改为 ${str(a.count) ?? '?'}` : `${who} changed the count of finding #${id} from ${from} to ${str(a.count) ?? '?'}`;
    }
    case 'assessment.score':
      return zh
        ? `${assessment}总分由 ${str(b.total) ?? '—'} 变为 ${str(a.total) ?? '—'}（${who} 的操作后重新计分）`
        : `the total of ${assessment} went from ${str(b.total) ?? '—'} to ${str(a.total) ?? '—'} (rescored after ${who}'s change)`;
    case 'assessment.submit': {
      // Since the marks (migration 0010) a submit records what was left: items not looked at, suggestions open.
      const unchecked = Number(a.unchecked ?? 0);
      const open = Number(a.openSuggestions ?? 0);
      const parts = zh
        ? [unchecked > 0 ? `${unchecked} 项未查` : '', open > 0 ? `${open} 条提示未处理` : ''].filter(Boolean).join('，')
        : [unchecked > 0 ? `${unchecked} item${unchecked === 1 ? '' : 's'} not looked at` : '', open > 0 ? `${open} suggestion${open === 1 ? '' : 's'} open` : '']
            .filter(Boolean)
            .join(', ');
      const left = parts ? (zh ? `（${parts}）` : ` (${parts})`) : '';
      return zh ? `${who} 提交了 ${assessment}${left}` : `${who} submitted ${assessment}${left}`;
    }
    case 'item.check':
      return zh ? `${who} 在 ${assessment}中将 ${item} 标为已查，无扣分` : `${who} marked ${item} of ${assessment} checked, no deduction`;
    case 'item.uncheck':
      return zh ? `${who} 在 ${assessment}中取消了 ${item} 的已查标记` : `${who} took back the checked mark of ${item} of ${assessment}`;
    case 'assessment.sendBack':
      return zh ? `${who} 退回了 ${assessment}${reason(a.comment)}` : `${who} sent back ${assessment}${reason(a.comment)}`;
    case 'assessment.review':
      return zh ? `${who} 审核通过了 ${assessment}` : `${who} approved ${assessment}`;
    case 'assessment.publish':
      return zh ? `${who} 发布了 ${results}` : `${who} published ${results}`;
    case 'appeal.open':
      return zh ? `${who} 对 ${item} 提出申诉 #${id}${reason(a.reason)}` : `${who} appealed ${item} (appeal #${id})${reason(a.reason)}`;
    case 'appeal.upheld':
    case 'appeal.adjusted':
    case 'appeal.rejected': {
      const outcome = entry.action.slice('appeal.'.length);
      const zhOutcome = { upheld: '支持', adjusted: '部分支持', rejected: '驳回' }[outcome];
      const enOutcome = { upheld: 'upheld', adjusted: 'adjusted', rejected: 'rejected' }[outcome];
      const total = str(b.total) !== str(a.total) ? (zh ? `，总分由 ${str(b.total)} 变为 ${str(a.total)}` : `; total ${str(b.total)} → ${str(a.total)}`) : '';
      return zh ? `${who} ${zhOutcome}了申诉 #${id}${total}${reason(a.reason)}` : `${who} ${enOutcome} appeal #${id}${total}${reason(a.reason)}`;
    }
    case 'campaign.create':
      return zh
        ? `${who} 创建了考核 “${str(a.name) ?? id}”（${str(a.year) ?? ''}年度，${str(a.villages) ?? '?'} 个村）`
        : `${who} created the campaign "${str(a.name) ?? id}" (${str(a.year) ?? ''}, ${str(a.villages) ?? '?'} villages)`;
    case 'campaign.team': {
      const members = Array.isArray(a.members) ? a.members.map((m) => names.users?.get(String(m)) ?? String(m)) : [];
      return zh
        ? `${who} 设置考核组 “${str(a.name) ?? id}” 的成员为 ${members.join('、') || '（无）'}`
        : `${who} set the members of team "${str(a.name) ?? id}": ${members.join(', ') || '(none)'}`;
    }
    case 'campaign.assign': {
      // `count` since assignments by township or of the whole campaign (then `villages` holds only those named by code).
      const n = typeof a.count === 'number' ? a.count : Array.isArray(a.villages) ? a.villages.length : '?';
      if (a.all === true) return zh ? `${who} 给考核组 #${id} 分配了全部 ${n} 个村` : `${who} assigned all ${n} villages to team #${id}`;
      if (Array.isArray(a.townships) && a.townships.length) {
        const t = a.townships.length;
        return zh
          ? `${who} 给考核组 #${id} 分配了 ${n} 个村（含 ${t} 个乡镇的全部村）`
          : `${who} assigned ${n} villages to team #${id} (every village of ${t} townships among them)`;
      }
      return zh ? `${who} 给考核组 #${id} 分配了 ${n} 个村` : `${who} assigned ${n} villages to team #${id}`;
    }
    case 'campaign.rescore':
      return zh
        ? `${who} 将考核 #${id} 改用方案 ${str(a.scheme) ?? '?'} 重新计分，${str(a.changed) ?? '?'} 个村得分变化`
        : `${who} rescored campaign #${id} under scheme ${str(a.scheme) ?? '?'}: ${str(a.changed) ?? '?'} villages changed`;
    case 'scheme.version':
      return zh
        ? `${who} 登记了考核方案 ${str(a.scheme) ?? '?'} 第 ${str(a.version) ?? '?'} 版`
        : `${who} registered scheme ${str(a.scheme) ?? '?'} version ${str(a.version) ?? '?'}`;
    case 'ranking.snapshot':
      return zh
        ? `${who} 保存了考核 #${str(a.campaignId) ?? '?'} 的排名快照（${str(a.villages) ?? '?'} 个村）`
        : `${who} kept a ranking snapshot of campaign #${str(a.campaignId) ?? '?'} (${str(a.villages) ?? '?'} villages)`;
    case 'evidence.add': {
      const target = str(a.findingId)
        ? zh
          ? `扣分记录 #${str(a.findingId)}`
          : `finding #${str(a.findingId)}`
        : str(a.appealId)
          ? zh
            ? `申诉 #${str(a.appealId)}`
            : `appeal #${str(a.appealId)}`
          : '';
      return zh
        ? `${who} ${target ? `为${target} ` : ''}上传了证据 ${str(a.filename) ?? `#${id}`}`
        : `${who} added evidence ${str(a.filename) ?? `#${id}`}${target ? ` to ${target}` : ''}`;
    }
    case 'suggestion.derive':
      return zh ? `系统为 ${assessment}生成了 ${str(a.added) ?? '?'} 条扣分提示（${who}）` : `${str(a.added) ?? '?'} suggestions were derived for ${assessment} (${who})`;
    case 'suggestion.accept':
      return zh ? `${who} 采纳了扣分提示 #${id}，记为扣分记录 #${str(a.findingId) ?? '?'}` : `${who} accepted suggestion #${id} as finding #${str(a.findingId) ?? '?'}`;
    case 'suggestion.dismiss':
      return zh ? `${who} 忽略了扣分提示 #${id}${reason(a.reason)}` : `${who} dismissed suggestion #${id}${reason(a.reason)}`;
    case 'user.create': {
      const role = ROLE[lang][str(a.role) ?? ''] ?? str(a.role) ?? '';
      const name = str(a.displayName) ?? str(a.username) ?? id;
      return zh ? `${who} 创建了用户 ${name}（${str(a.username) ?? id}，${role}）` : `${who} created the user ${name} (${str(a.username) ?? id}, ${role})`;
    }
    case 'user.update': {
      const target = str(a.username) ?? str(b.username) ?? id;
      const scope = (f: Fields) => {
        const role = ROLE[lang][str(f.role) ?? ''] ?? str(f.role) ?? '?';
        const place = str(f.township) ?? str(f.village);
        return place ? (zh ? `${role}（${place}）` : `${role} (${place})`) : role;
      };
      return zh ? `${who} 将用户 ${target} 的角色和范围由 ${scope(b)} 改为 ${scope(a)}` : `${who} changed the role and scope of user ${target} from ${scope(b)} to ${scope(a)}`;
    }
    case 'user.resetPassword': {
      const target = str(a.username) ?? id;
      return zh
        ? `${who} 重置了用户 ${target} 的密码（一次性密码，首次登录须修改）`
        : `${who} reset the password of user ${target} (a one-time password, to be changed at the next sign-in)`;
    }
    case 'user.disable':
      return zh ? `${who} 停用了用户 ${str(a.username) ?? id}` : `${who} disabled user ${str(a.username) ?? id}`;
    case 'user.enable':
      return zh ? `${who} 启用了用户 ${str(a.username) ?? id}` : `${who} enabled user ${str(a.username) ?? id}`;
    case 'registry.import': {
      const title = kindSpec(str(a.kind) ?? id)?.title;
      const kind = title ? (zh ? title.zh : (title.en ?? title.zh).toLowerCase()) : (str(a.kind) ?? id);
      const area = str(a.areaName) ? (zh ? `（${str(a.areaName)}）` : ` (${str(a.areaName)})`) : '';
      return zh
        ? `${who}${area} 导入了${kind}：文件 ${str(a.file) ?? '?'}，${str(a.rows) ?? '?'} 行，新增 ${str(a.inserted) ?? '?'} 条，更新 ${str(a.updated) ?? '?'} 条`
        : `${who}${area} imported ${kind}: file ${str(a.file) ?? '?'}, ${str(a.rows) ?? '?'} rows, ${str(a.inserted) ?? '?'} added, ${str(a.updated) ?? '?'} updated`;
    }
    case 'user.lockout':
      return zh
        ? `用户 ${id} 登录失败 ${str(a.failures) ?? '?'} 次，被锁定 ${str(a.minutes) ?? '?'} 分钟`
        : `user ${id} was locked out for ${str(a.minutes) ?? '?'} minutes after ${str(a.failures) ?? '?'} failed sign-ins`;
  }
  // A status change of an action this function does not know yet still reads as one.
  if (b.status !== undefined && a.status !== undefined && b.status !== a.status) {
    return zh
      ? `${who} 将 ${entry.entity} #${id} 的状态由 ${status(b.status)} 改为 ${status(a.status)}（${entry.action}）`
      : `${who} changed the status of ${entry.entity} #${id} from ${status(b.status)} to ${status(a.status)} (${entry.action})`;
  }
  return zh ? `${who} 对 ${entry.entity} #${id} 执行了 ${entry.action}` : `${who} did ${entry.action} on ${entry.entity} #${id}`;
}
