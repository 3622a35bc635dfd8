/**
 * The API's request fields as the forms name them, for saying which field a refusal is about
 * (errorText). A field not listed is left unnamed on a Chinese screen (its key is English) and
 * named by its key on an English one.
 */
export const API_FIELD_LABELS: Readonly<Record<string, { zh: string; en: string }>> = {
  password: { zh: '密码', en: 'password' },
  newPassword: { zh: '新密码', en: 'new password' },
  currentPassword: { zh: '当前密码', en: 'current password' },
  username: { zh: '用户名', en: 'user name' },
  displayName: { zh: '姓名', en: 'name' },
  role: { zh: '角色', en: 'role' },
  township: { zh: '乡镇', en: 'township' },
  village: { zh: '行政村', en: 'village' },
  villages: { zh: '行政村', en: 'villages' },
  members: { zh: '成员', en: 'members' },
  name: { zh: '名称', en: 'name' },
  year: { zh: '年度', en: 'year' },
  from: { zh: '开始日期', en: 'start date' },
  to: { zh: '结束日期', en: 'end date' },
  appealDays: { zh: '申诉期限（天）', en: 'days for appeals' },
  item: { zh: '考核项目', en: 'item' },
  element: { zh: '缺少的内容', en: 'missing part' },
  household: { zh: '贫困户', en: 'household' },
  count: { zh: '次数', en: 'count' },
  value: { zh: '测量值', en: 'measured value' },
  num: { zh: '分子（计数）', en: 'numerator' },
  of: { zh: '分母', en: 'denominator' },
  percent: { zh: '百分比', en: 'percentage' },
  level: { zh: '等次', en: 'level' },
  amount: { zh: '分值', en: 'points' },
  part: { zh: '子项', en: 'part' },
  adjustedCount: { zh: '调整后的次数', en: 'new count' },
  reason: { zh: '理由', en: 'reason' },
  note: { zh: '说明', en: 'note' },
  comment: { zh: '意见', en: 'comment' },
  outcome: { zh: '处理结果', en: 'outcome' },
  text: { zh: '考核细则文本', en: 'scheme text' },
  deriveText: { zh: '自动扣分规则', en: 'derivation rules' },
  q: { zh: '搜索词', en: 'search' },
  file: { zh: '文件', en: 'file' },
};

/** The form's name of a refused field (`body.members.2.username` → 用户名), or '' when it has none in Chinese. */
export function fieldLabel(field: string, en: boolean): string {
  const key = field
    .replace(/^(body|query|params)\.?/, '')
    .split('.')
    .filter((part) => part !== '' && !/^\d+$/.test(part))
    .at(-1);
  if (!key) return '';
  const label = API_FIELD_LABELS[key];
  return label ? label[en ? 'en' : 'zh'] : en ? key : '';
}
