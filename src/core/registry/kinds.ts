/**
 * The record kinds an office imports and exports, each with the Chinese column headers of
 * its own sheets. One definition drives import validation, the template and the export.
 */
import { problem, type Problem } from './problems.ts';
import { checkIdNumber } from '../ids/gb11643.ts';
import type { Text } from '../scheme/model.ts';
import type { FieldSpec, FieldType } from './fields.ts';

/** What a kind's row refers to, resolved against the registry (and earlier rows of the file). */
/** A problem with a row's values together, at the field it is shown against. */
export type RowProblem = { field: string } & Problem;

export type Reference = 'village' | 'household' | 'area';

export interface KindSpec {
  kind: string;
  title: Text;
  /** The table its rows land in. */
  table: string;
  fields: FieldSpec[];
  /** Field keys that identify a row: a second row with the same key in a file is a duplicate; a row already in the registry is updated. */
  key: string[];
  /** Columns of `table` for ON CONFLICT (the key after references are resolved). */
  conflict: string[];
  /** Field keys whose values must exist in the registry. */
  refs: Partial<Record<string, Reference>>;
  /** The field whose value is the record's year, for versioned code lists. */
  yearField?: string;
  /** A parent row written first (upserted by its own key), whose id the row carries. */
  parent?: { table: string; fields: string[]; key: string[]; foreignKey: string };
  /** Checks across fields of one record: problems by field key. */
  check?: (r: Record<string, string | number | null>) => RowProblem[];
  /** Derives stored columns from parsed fields (e.g. a role into two flags). */
  transform?: (r: Record<string, string | number | null>) => Record<string, string | number | null>;
}

const f = (key: string, header: string, en: string, type: FieldType, help: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  key,
  header,
  en,
  type,
  help,
  ...extra,
});
const req = { required: true };
const text: FieldType = { kind: 'text', max: 200 };
const bool: FieldType = { kind: 'bool' };
const date: FieldType = { kind: 'date' };
/** A year that has happened (an exit, a year identified, a record's year): never after today's. */
const pastYear: FieldType = { kind: 'year', ahead: 0 };
/** A planned year: ahead of today's by at most ten years. */
const plannedYear: FieldType = { kind: 'year', ahead: 10 };
/** A note: several lines (and tabs) allowed, unlike a name or a code. */
const note = (max: number): FieldType => ({ kind: 'text', max, multiline: true });

const villageCode = f('village_code', '村区划代码', 'village division code', { kind: 'divisionCode' }, '村的12位统计用区划代码，须已在区划中', {
  ...req,
  aliases: ['村代码', '区划代码'],
  example: '522425100201',
});
const householdNo = (required = true) =>
  f('household_no', '户编号', 'household number', { kind: 'text', max: 40 }, '建档立卡户编号，须已在贫困户名册中', {
    required,
    aliases: ['贫困户编号', '户码'],
    example: '5224251002010001',
  });

const notBefore = (r: Record<string, string | number | null>, start: string, end: string, field: string) =>
  r[start] !== null && r[end] !== null && String(r[end]) < String(r[start]) ? [{ field, ...problem('before-start', { start: String(r[start]) }) }] : [];

export const KINDS: KindSpec[] = [
  {
    kind: 'areas',
    title: { zh: '行政区划', en: 'Administrative areas' },
    table: 'areas',
    key: ['code'],
    conflict: ['code'],
    refs: { parent_code: 'area' },
    fields: [
      f('code', '区划代码', 'division code', { kind: 'divisionCode' }, '12位统计用区划代码', { ...req, aliases: ['统计用区划代码'], example: '522425100201' }),
      f('name', '名称', 'name', text, '省、市州、县、乡镇或村的名称', { ...req, aliases: ['村名', '单位名称'], example: '石桥村' }),
      f(
        'level',
        '级别',
        'level',
        {
          kind: 'enum',
          values: [
            { value: 'province', labels: ['省', '省级', '自治区', 'province'] },
            { value: 'city', labels: ['市', '市州', '地级市', '州', '地区', '盟', 'city', 'prefecture'] },
            { value: 'county', labels: ['县', '县级', '县区', '区', '县级市', '旗', 'county'] },
            { value: 'township', labels: ['乡镇', '乡', '镇', 'township'] },
            { value: 'village', labels: ['村', '行政村', 'village'] },
          ],
        },
        '省、市（州）、县、乡镇或村',
        { ...req, example: '村' },
      ),
      f(
        'parent_code',
        '上级区划代码',
        'parent division code',
        { kind: 'divisionCode' },
        '上级（省、市州、县或乡镇）的区划代码；省、市州、县可空；上级须已在区划中或在本表的前面行',
        {
          example: '522425100000',
        },
      ),
      f('poverty_village', '是否贫困村', 'poverty village', bool, '是或否（仅村）；空为否', { example: '是', default: 0 }),
      f('planned_exit_year', '计划出列年度', 'planned exit year', plannedYear, '贫困村计划出列的年份（最晚为今后10年内）', { example: '2020' }),
      f('exit_year', '出列年度', 'exit year', pastYear, '贫困村实际出列的年份，不晚于今年；未出列留空', { example: '2019' }),
      f('population', '人口数', 'population', { kind: 'int', min: 0, max: 1_000_000 }, '户籍人口', { aliases: ['人口'], example: '1860' }),
    ],
    check: (r) => {
      const out: RowProblem[] = [];
      if ((r.level === 'township' || r.level === 'village') && r.parent_code === null) out.push({ field: 'parent_code', ...problem('parent-needed') });
      if (r.level !== 'village' && r.poverty_village === 1) out.push({ field: 'poverty_village', ...problem('poverty-village-only-village') });
      if (r.exit_year !== null && r.poverty_village !== 1) out.push({ field: 'exit_year', ...problem('exit-poverty-village-only') });
      return out;
    },
  },
  {
    kind: 'households',
    title: { zh: '贫困户', en: 'Households' },
    table: 'households',
    key: ['household_no'],
    conflict: ['household_no'],
    refs: { village_code: 'village' },
    yearField: 'year',
    fields: [
      householdNo(),
      villageCode,
      f('year', '年度', 'year', pastYear, '数据年度，不晚于今年', { ...req, example: '2020' }),
      f('head_name', '户主姓名', 'head of household', { kind: 'text', max: 50 }, '户主姓名', { ...req, aliases: ['户主'], example: '王大山' }),
      f('head_id_number', '户主身份证号', 'head ID number', { kind: 'idNumber' }, '18位公民身份号码', {
        ...req,
        aliases: ['户主证件号码', '身份证号码'],
        example: '522425196805120019',
      }),
      f('size', '家庭人口数', 'household size', { kind: 'int', min: 1, max: 30 }, '共同生活的家庭人口', { ...req, aliases: ['家庭人口', '人口数'], example: '4' }),
      f('workers', '劳动力人数', 'workers', { kind: 'int', min: 0, max: 30 }, '有劳动能力的人数', { aliases: ['劳动力'], example: '2' }),
      f('standard', '识别标准', 'identification standard', { kind: 'code', list: 'standard' }, '国家标准、省定标准或市定标准', { example: '国家标准' }),
      f(
        'attribute',
        '贫困户属性',
        'household attribute',
        { kind: 'code', list: 'attribute' },
        '按年度有效的属性：一般贫困户、低保贫困户、特困供养贫困户（2016年起；此前为五保贫困户）',
        { ...req, example: '一般贫困户' },
      ),
      f('main_cause', '主要致贫原因', 'main cause of poverty', { kind: 'code', list: 'cause' }, '只填一项', { ...req, aliases: ['致贫原因'], example: '因病' }),
      f('other_causes', '其他致贫原因', 'other causes', { kind: 'codes', list: 'cause', max: 2 }, '最多两项，用顿号分隔', { example: '缺技术、缺资金' }),
      f('status', '贫困户状态', 'status', { kind: 'code', list: 'status' }, '未脱贫、已脱贫或返贫', { ...req, aliases: ['脱贫状态'], example: '已脱贫' }),
      f('identified_year', '识别年度', 'year identified', pastYear, '识别为贫困户的年份，不晚于今年', { example: '2014' }),
      f('planned_exit_year', '计划脱贫年度', 'planned exit year', plannedYear, '计划脱贫的年份（最晚为今后10年内）', { example: '2019' }),
      f('exit_year', '脱贫年度', 'exit year', pastYear, '实际脱贫的年份，不晚于今年；未脱贫留空', { example: '2019' }),
      f('income_fen', '人均纯收入（元）', 'income per person (yuan)', { kind: 'money' }, '家庭年人均纯收入，元', { aliases: ['人均纯收入'], example: '5230.50' }),
      f('phone', '联系电话', 'phone', { kind: 'phone' }, '户主联系电话', { example: '13800000000' }),
      f('housing_grade', '住房安全等级', 'housing safety grade', { kind: 'enum', values: ['A', 'B', 'C', 'D'].map((g) => ({ value: g, labels: [g, `${g}级`] })) }, 'A、B、C或D级', {
        example: 'B',
      }),
      f('safe_water', '饮水安全', 'safe drinking water', bool, '是或否', { example: '是' }),
      f('electricity', '通生活用电', 'electricity', bool, '是或否', { example: '是' }),
      f('road', '通硬化路', 'paved road', bool, '是或否', { example: '是' }),
    ],
    check: (r) => {
      const out: RowProblem[] = [];
      if (r.workers !== null && r.size !== null && Number(r.workers) > Number(r.size))
        out.push({ field: 'workers', ...problem('more-than-household-size', { size: String(r.size) }) });
      if (r.status === 'exited' && r.exit_year === null) out.push({ field: 'exit_year', ...problem('exit-year-needed') });
      if (r.status === 'not-exited' && r.exit_year !== null) out.push({ field: 'exit_year', ...problem('exit-year-not-exited') });
      if (r.other_causes !== null && r.main_cause !== null && String(r.other_causes).split(',').includes(String(r.main_cause))) {
        out.push({ field: 'other_causes', ...problem('repeats-main-cause') });
      }
      if (r.identified_year !== null && r.exit_year !== null && Number(r.exit_year) < Number(r.identified_year)) {
        out.push({ field: 'exit_year', ...problem('before-identified-year', { year: String(r.identified_year) }) });
      }
      return out;
    },
  },
  {
    kind: 'members',
    title: { zh: '家庭成员', en: 'Household members' },
    table: 'members',
    key: ['id_number'],
    conflict: ['id_number'],
    refs: { household_no: 'household' },
    fields: [
      householdNo(),
      f('name', '姓名', 'name', { kind: 'text', max: 50 }, '成员姓名', { ...req, aliases: ['成员姓名'], example: '王小花' }),
      f('id_number', '身份证号', 'ID number', { kind: 'idNumber' }, '18位公民身份号码', { ...req, aliases: ['证件号码', '身份证号码'], example: '52242519700304002X' }),
      f(
        'sex',
        '性别',
        'sex',
        {
          kind: 'enum',
          values: [
            { value: 'M', labels: ['男', 'M', 'male'] },
            { value: 'F', labels: ['女', 'F', 'female'] },
          ],
        },
        '男或女，须与身份证号第17位一致',
        { ...req, example: '女' },
      ),
      f('relation', '与户主关系', 'relation to head', { kind: 'code', list: 'relation' }, '户主、配偶、之子、之女……', { ...req, example: '配偶' }),
      f('ethnicity', '民族', 'ethnicity', { kind: 'text', max: 20 }, '如汉族、苗族', { example: '汉族' }),
      f('education', '文化程度', 'education', { kind: 'code', list: 'education' }, '文盲或半文盲、小学、初中、高中、大专及以上、学龄前儿童', { example: '初中' }),
      f('schooling', '在校生状况', 'schooling', { kind: 'code', list: 'schooling' }, '非在校生、小学、初中、普通高中、中职、高职……', { example: '非在校生' }),
      f('health', '健康状况', 'health', { kind: 'code', list: 'health' }, '健康、长期慢性病、患有大病、残疾', { example: '健康' }),
      f('labour_ability', '劳动技能', 'labour ability', { kind: 'code', list: 'labour' }, '普通劳动力、技能劳动力、弱劳动力或半劳动力、丧失劳动力、无劳动力', {
        example: '普通劳动力',
      }),
      f('migrant_work', '是否外出务工', 'migrant work', bool, '是或否', { aliases: ['务工状况'], example: '否' }),
      f('insured', '是否参加医疗保险', 'medical insurance', bool, '是或否', { aliases: ['参加医保'], example: '是' }),
      f('dibao', '是否享受低保', 'minimum living allowance', bool, '是或否', { example: '否' }),
      f('wubao', '是否特困供养', 'extreme-poverty support', bool, '是或否', { aliases: ['是否五保'], example: '否' }),
    ],
    check: (r) => {
      if (r.id_number === null || (r.sex !== 'M' && r.sex !== 'F')) return [];
      const c = checkIdNumber(String(r.id_number), { sex: r.sex });
      return !c.ok && c.problem === 'sex' ? [{ field: 'sex', ...c.issue! }] : [];
    },
  },
  {
    kind: 'helpers',
    title: { zh: '帮扶责任人结对', en: 'Helpers and their households' },
    table: 'helper_assignments',
    key: ['id_number', 'household_no', 'start_date'],
    conflict: ['helper_id', 'household_id', 'start_date'],
    refs: { household_no: 'household' },
    parent: { table: 'helpers', fields: ['id_number', 'name', 'unit', 'position', 'phone'], key: ['id_number'], foreignKey: 'helper_id' },
    fields: [
      f('id_number', '帮扶责任人身份证号', 'helper ID number', { kind: 'idNumber' }, '18位公民身份号码', { ...req, example: '522425198001010016' }),
      f('name', '帮扶责任人姓名', 'helper name', { kind: 'text', max: 50 }, '帮扶责任人姓名', { ...req, aliases: ['帮扶责任人'], example: '李明' }),
      f('unit', '工作单位', 'unit', text, '帮扶责任人所在单位', { aliases: ['帮扶单位'], example: '县教育局' }),
      f('position', '职务', 'position', { kind: 'text', max: 50 }, '职务', { example: '科员' }),
      f('phone', '联系电话', 'phone', { kind: 'phone' }, '帮扶责任人电话', { example: '13900000000' }),
      householdNo(),
      f('start_date', '帮扶开始日期', 'start date', date, '结对开始日期', { ...req, aliases: ['结对日期'], example: '2018-03-01' }),
      f('end_date', '帮扶结束日期', 'end date', date, '结对结束日期；仍在帮扶留空', { example: '' }),
    ],
    check: (r) => notBefore(r, 'start_date', 'end_date', 'end_date'),
  },
  {
    kind: 'team-members',
    title: { zh: '驻村工作队成员', en: 'Work-team members' },
    table: 'team_members',
    key: ['village_code', 'sending_unit', 'id_number', 'start_date'],
    conflict: ['team_id', 'id_number', 'start_date'],
    refs: { village_code: 'village' },
    parent: { table: 'work_teams', fields: ['village_code', 'sending_unit'], key: ['village_code', 'sending_unit'], foreignKey: 'team_id' },
    fields: [
      villageCode,
      f('sending_unit', '派出单位', 'sending unit', text, '派出工作队的单位', { ...req, example: '县教育局' }),
      f('name', '姓名', 'name', { kind: 'text', max: 50 }, '队员姓名', { ...req, example: '张伟' }),
      f('id_number', '身份证号', 'ID number', { kind: 'idNumber' }, '18位公民身份号码', { ...req, example: '522425198507070032' }),
      f(
        'role',
        '职务',
        'role',
        {
          kind: 'enum',
          values: [
            { value: 'leader+secretary', labels: ['队长兼第一书记', '第一书记兼队长'] },
            { value: 'leader', labels: ['队长', '工作队长'] },
            { value: 'secretary', labels: ['第一书记'] },
            { value: 'member', labels: ['队员'] },
          ],
        },
        '队长、第一书记、队长兼第一书记或队员',
        { ...req, aliases: ['队内职务'], example: '队长兼第一书记' },
      ),
      f('phone', '联系电话', 'phone', { kind: 'phone' }, '电话', { example: '13700000000' }),
      f('start_date', '驻村开始日期', 'start date', date, '进驻日期', { ...req, example: '2018-01-15' }),
      f('end_date', '驻村结束日期', 'end date', date, '离开日期；仍在驻村留空', { example: '' }),
    ],
    check: (r) => notBefore(r, 'start_date', 'end_date', 'end_date'),
    transform: ({ role, ...rest }) => ({
      ...rest,
      is_leader: role === 'leader' || role === 'leader+secretary' ? 1 : 0,
      is_first_secretary: role === 'secretary' || role === 'leader+secretary' ? 1 : 0,
    }),
  },
  {
    kind: 'visits',
    title: { zh: '入户走访', en: 'Home visits' },
    table: 'visits',
    key: ['household_no', 'visitor_name', 'date'],
    conflict: ['household_id', 'visitor_name', 'date'],
    refs: { household_no: 'household' },
    fields: [
      householdNo(),
      f(
        'visitor_role',
        '走访人类型',
        'visitor',
        {
          kind: 'enum',
          values: [
            { value: 'helper', labels: ['帮扶责任人', 'helper'] },
            { value: 'leader', labels: ['工作队长', '队长', '第一书记', 'leader'] },
          ],
        },
        '帮扶责任人或工作队长',
        { ...req, example: '帮扶责任人' },
      ),
      f('visitor_name', '走访人姓名', 'visitor name', { kind: 'text', max: 50 }, '走访人', { ...req, aliases: ['走访人'], example: '李明' }),
      f('visitor_id_number', '走访人身份证号', 'visitor ID number', { kind: 'idNumber' }, '可空', { example: '' }),
      f('date', '走访日期', 'date', date, '入户日期', { ...req, aliases: ['入户日期'], example: '2020-03-05' }),
      f('content', '走访内容', 'content', note(1000), '了解的情况、落实的措施；可分多行', { example: '宣讲教育资助政策' }),
    ],
  },
  {
    kind: 'meetings',
    title: { zh: '扶贫会议', en: 'Meetings held' },
    table: 'meetings',
    key: ['village_code', 'kind', 'date'],
    conflict: ['village_code', 'kind', 'date'],
    refs: { village_code: 'village' },
    fields: [
      villageCode,
      f(
        'kind',
        '会议类型',
        'kind',
        {
          kind: 'enum',
          values: [
            { value: 'topic', labels: ['扶贫专题会议', '专题会', '专题会议'] },
            { value: 'leader', labels: ['工作队长碰头会', '碰头会'] },
          ],
        },
        '扶贫专题会议（每月）或工作队长碰头会（每周）',
        { ...req, example: '专题会' },
      ),
      f('date', '会议日期', 'date', date, '召开日期', { ...req, example: '2020-03-10' }),
      f('has_minutes', '有会议记录', 'minutes kept', bool, '是或否', { aliases: ['会议记录'], example: '是' }),
      f('topic', '会议主题', 'topic', text, '议题', { example: '研究产业扶贫项目' }),
      f('attendees', '参会人数', 'attendees', { kind: 'int', min: 0, max: 10_000 }, '人数', { example: '8' }),
    ],
  },
  {
    kind: 'duty-days',
    title: { zh: '驻村在岗天数', en: 'Days on duty' },
    table: 'duty_days',
    key: ['village_code', 'person_id_number', 'month'],
    conflict: ['village_code', 'person_id_number', 'month'],
    refs: { village_code: 'village' },
    fields: [
      villageCode,
      f('person_name', '姓名', 'name', { kind: 'text', max: 50 }, '工作队员', { ...req, example: '张伟' }),
      f('person_id_number', '身份证号', 'ID number', { kind: 'idNumber' }, '18位公民身份号码', { ...req, example: '522425198507070032' }),
      f('month', '月份', 'month', { kind: 'month' }, '如2020-03', { ...req, example: '2020-03' }),
      f('days', '在岗天数', 'days on duty', { kind: 'int', min: 0, max: 31 }, '当月在岗天数（不含请假、公差）', { ...req, example: '22' }),
      f('leave_days', '请假天数', 'days of approved leave', { kind: 'int', min: 0, max: 31 }, '当月经批准的请假天数，视为在岗；不填为未登记', {
        aliases: ['批准请假天数'],
        example: '2',
      }),
      f('trip_days', '公差天数', 'days on official trips', { kind: 'int', min: 0, max: 31 }, '当月因公出差天数，视为在岗；不填为未登记', { aliases: ['出差天数'], example: '1' }),
    ],
    check: (r) => {
      if (r.month === null || r.days === null) return [];
      const [y, m] = String(r.month).split('-').map(Number);
      const inMonth = new Date(Date.UTC(y!, m!, 0)).getUTCDate();
      if (Number(r.days) > inMonth) return [{ field: 'days', ...problem('more-than-days-in-month', { days: inMonth, month: String(r.month) }) }];
      const all = Number(r.days) + Number(r.leave_days ?? 0) + Number(r.trip_days ?? 0);
      return all > inMonth ? [{ field: 'leave_days', ...problem('duty-over-month', { all, days: inMonth, month: String(r.month) }) }] : [];
    },
  },
  {
    kind: 'meeting-attendance',
    title: { zh: '参加会议情况', en: 'Meetings attended' },
    table: 'meeting_attendance',
    key: ['village_code', 'meeting', 'date', 'person_name'],
    conflict: ['village_code', 'meeting', 'date', 'person_name'],
    refs: { village_code: 'village' },
    fields: [
      villageCode,
      f('meeting', '会议名称', 'meeting', text, '上级召开的扶贫工作会议', { ...req, example: '全县脱贫攻坚推进会' }),
      f('organiser', '召开单位', 'convened by', text, '召开会议的部门', { example: '县扶贫办' }),
      f('date', '会议日期', 'date', date, '日期', { ...req, example: '2020-04-02' }),
      f('person_name', '参会人', 'attendee', { kind: 'text', max: 50 }, '应参会人员', { ...req, example: '张伟' }),
      f(
        'status',
        '出席情况',
        'attendance',
        {
          kind: 'enum',
          values: [
            { value: 'attended', labels: ['出席', '参加', 'attended'] },
            { value: 'leave', labels: ['请假', 'leave'] },
            { value: 'absent', labels: ['缺席', '无故缺席', 'absent'] },
          ],
        },
        '出席、请假或缺席',
        { ...req, example: '出席' },
      ),
    ],
  },
  {
    kind: 'reports',
    title: { zh: '材料报送', en: 'Reports' },
    table: 'reports',
    key: ['village_code', 'title', 'deadline'],
    conflict: ['village_code', 'title', 'deadline'],
    refs: { village_code: 'village' },
    fields: [
      villageCode,
      f('title', '材料名称', 'report', text, '报送的材料', { ...req, example: '3月份扶贫月报' }),
      f('deadline', '报送时限', 'deadline', { kind: 'date' }, '截止日期', { ...req, aliases: ['截止日期'], example: '2020-04-05' }),
      f('submitted_date', '报送日期', 'submitted', date, '实际报送日期；未报留空', { example: '2020-04-03' }),
      f(
        'status',
        '报送情况',
        'status',
        {
          kind: 'enum',
          values: [
            { value: 'on-time', labels: ['按时', '按时报送'] },
            { value: 'late', labels: ['延报', '逾期'] },
            { value: 'returned', labels: ['错报', '错报退回', '退回'] },
            { value: 'missing', labels: ['未报'] },
          ],
        },
        '按时、延报、错报退回或未报',
        { ...req, example: '按时' },
      ),
      f('note', '备注', 'note', note(500), '可分多行', { example: '' }),
    ],
    check: (r) => {
      const out: RowProblem[] = [];
      if (r.status === 'missing' && r.submitted_date !== null) out.push({ field: 'status', ...problem('missing-has-date') });
      if (r.status !== 'missing' && r.submitted_date === null) out.push({ field: 'submitted_date', ...problem('submitted-needs-date') });
      if (r.status === 'on-time' && r.submitted_date !== null && String(r.submitted_date) > String(r.deadline)) {
        out.push({ field: 'status', ...problem('on-time-but-late', { deadline: String(r.deadline) }) });
      }
      if (r.status === 'late' && r.submitted_date !== null && String(r.submitted_date) <= String(r.deadline)) {
        out.push({ field: 'status', ...problem('late-but-on-time', { deadline: String(r.deadline) }) });
      }
      return out;
    },
  },
  {
    kind: 'surveys',
    title: { zh: '政策知晓与满意度调查', en: 'Awareness and satisfaction surveys' },
    table: 'surveys',
    key: ['household_no', 'kind', 'date', 'respondent', 'topic'],
    conflict: ['household_id', 'kind', 'date', 'respondent', 'topic'],
    refs: { household_no: 'household' },
    fields: [
      householdNo(),
      f(
        'kind',
        '调查类型',
        'kind',
        {
          kind: 'enum',
          values: [
            { value: 'awareness', labels: ['政策知晓', '知晓率'] },
            { value: 'satisfaction', labels: ['满意度'] },
          ],
        },
        '政策知晓或满意度',
        { ...req, example: '满意度' },
      ),
      f('date', '调查日期', 'date', date, '日期', { ...req, example: '2020-09-15' }),
      f('respondent', '受访人', 'respondent', { kind: 'text', max: 50 }, '回答问题的家庭成员', { ...req, example: '王大山' }),
      f('topic', '调查内容', 'question', text, '政策名称或满意度对象（帮扶工作、帮扶责任人、工作队长）', { ...req, aliases: ['调查项目'], example: '帮扶责任人' }),
      f(
        'answer',
        '回答',
        'answer',
        {
          kind: 'enum',
          values: [
            { value: 'aware', labels: ['知晓', '知道'] },
            { value: 'unaware', labels: ['不知晓', '不知道'] },
            { value: 'satisfied', labels: ['满意'] },
            { value: 'basic', labels: ['基本满意'] },
            { value: 'dissatisfied', labels: ['不满意'] },
          ],
        },
        '政策知晓：知晓/不知晓；满意度：满意/基本满意/不满意',
        { ...req, example: '满意' },
      ),
    ],
    check: (r) => {
      const awareness = r.answer === 'aware' || r.answer === 'unaware';
      if (r.kind === 'awareness' && !awareness) return [{ field: 'answer', ...problem('awareness-answer') }];
      if (r.kind === 'satisfaction' && awareness) return [{ field: 'answer', ...problem('satisfaction-answer') }];
      return [];
    },
  },
  {
    kind: 'students',
    title: { zh: '雨露计划学生', en: 'Rain-and-Dew students' },
    table: 'students',
    key: ['id_number', 'school_year'],
    conflict: ['id_number', 'school_year'],
    refs: { household_no: 'household' },
    fields: [
      householdNo(),
      f('name', '学生姓名', 'student', { kind: 'text', max: 50 }, '学生姓名', { ...req, example: '王小军' }),
      f('id_number', '学生身份证号', 'student ID number', { kind: 'idNumber' }, '18位公民身份号码', { ...req, example: '522425200301010018' }),
      f('school_year', '学年', 'school year', pastYear, '学年开始的年份，不晚于今年', { ...req, example: '2020' }),
      f('school', '就读学校', 'school', text, '中职或高职院校', { example: '县职业技术学校' }),
      f('eligible', '符合条件', 'eligible', bool, '是否符合雨露计划条件', { ...req, example: '是' }),
      f('notified', '已告知', 'told to apply', bool, '是否已通知申报', { ...req, aliases: ['已通知'], example: '是' }),
      f('applied', '已申报', 'applied', bool, '是否已申报', { ...req, example: '是' }),
    ],
  },
  {
    kind: 'petitions',
    title: { zh: '信访投诉', en: 'Petitions and complaints' },
    table: 'petitions',
    key: ['village_code', 'date', 'summary'],
    conflict: ['village_code', 'date', 'summary'],
    refs: { village_code: 'village', household_no: 'household' },
    fields: [
      villageCode,
      householdNo(false),
      f('date', '日期', 'date', date, '发生日期', { ...req, example: '2020-06-18' }),
      f(
        'kind',
        '类型',
        'kind',
        {
          kind: 'enum',
          values: [
            { value: 'petition', labels: ['上访', '信访'] },
            { value: 'complaint', labels: ['投诉'] },
          ],
        },
        '上访或投诉',
        { ...req, example: '投诉' },
      ),
      f('over_county', '越级上访', 'over the county', bool, '是否越级到省市县上访', { ...req, example: '否' }),
      f('handled', '已妥善处理', 'handled', bool, '是否已及时回应、妥善处理', { ...req, example: '是' }),
      f('summary', '事由', 'summary', note(1000), '简要事由；可分多行', { ...req, example: '对低保评定有异议' }),
    ],
  },
  {
    kind: 'publicity',
    title: { zh: '两公示一公告', en: 'Entry and exit publicity' },
    table: 'publicity',
    key: ['household_no', 'procedure', 'stage'],
    conflict: ['household_id', 'procedure', 'stage'],
    refs: { household_no: 'household' },
    fields: [
      householdNo(),
      f(
        'procedure',
        '程序',
        'procedure',
        {
          kind: 'enum',
          values: [
            { value: 'entry', labels: ['识别', '进入', '纳入'] },
            { value: 'exit', labels: ['退出', '脱贫退出'] },
          ],
        },
        '识别（进入）或退出',
        { ...req, example: '退出' },
      ),
      f(
        'stage',
        '环节',
        'stage',
        {
          kind: 'enum',
          values: [
            { value: 'application', labels: ['申请', '申请表'] },
            { value: 'review', labels: ['民主评议', '评议', '评议表'] },
            { value: 'first-publication', labels: ['第一次公示', '村公示'] },
            { value: 'second-publication', labels: ['第二次公示', '乡镇公示'] },
            { value: 'announcement', labels: ['公告', '县公告'] },
          ],
        },
        '申请、民主评议、第一次公示、第二次公示或公告',
        { ...req, example: '第一次公示' },
      ),
      f('date', '日期', 'date', date, '该环节的日期', { ...req, example: '2019-11-20' }),
      f('reference', '材料编号', 'reference', text, '存档材料编号或照片编号', { example: 'GS-2019-031' }),
    ],
  },
  {
    kind: 'household-sources',
    title: { zh: '扶贫手册与信息采集表', en: 'Handbook and collection-form data' },
    table: 'household_sources',
    key: ['household_no', 'source'],
    conflict: ['household_id', 'source'],
    refs: { household_no: 'household' },
    fields: [
      householdNo(),
      f(
        'source',
        '来源',
        'source',
        {
          kind: 'enum',
          values: [
            { value: 'handbook', labels: ['扶贫手册', '手册'] },
            { value: 'collection-form', labels: ['信息采集表', '采集表'] },
          ],
        },
        '扶贫手册或信息采集表：与系统记录逐项比对（2.2.1）',
        { ...req, example: '扶贫手册' },
      ),
      f('head_name', '户主姓名', 'head of household', { kind: 'text', max: 50 }, '按手册或采集表填写', { example: '王大山' }),
      f('head_id_number', '户主身份证号', 'head ID number', { kind: 'idNumber' }, '按手册或采集表填写', { example: '522425196805120019' }),
      f('size', '家庭人口数', 'household size', { kind: 'int', min: 1, max: 30 }, '按手册或采集表填写', { example: '4' }),
      f('workers', '劳动力人数', 'workers', { kind: 'int', min: 0, max: 30 }, '按手册或采集表填写', { example: '2' }),
      f('attribute', '贫困户属性', 'household attribute', { kind: 'code', list: 'attribute' }, '按手册或采集表填写', { example: '一般贫困户' }),
      f('main_cause', '主要致贫原因', 'main cause of poverty', { kind: 'code', list: 'cause' }, '按手册或采集表填写', { example: '因病' }),
      f('status', '贫困户状态', 'status', { kind: 'code', list: 'status' }, '按手册或采集表填写', { example: '已脱贫' }),
      f('income_fen', '人均纯收入（元）', 'income per person (yuan)', { kind: 'money' }, '按手册或采集表填写', { example: '5230.50' }),
      f('phone', '联系电话', 'phone', { kind: 'phone' }, '按手册或采集表填写', { example: '13800000000' }),
    ],
  },
  {
    kind: 'leader-duties',
    title: { zh: '工作队长“十个一”', en: 'Team leader\'s "ten ones"' },
    table: 'leader_duties',
    key: ['village_code', 'year', 'element'],
    conflict: ['village_code', 'year', 'element'],
    refs: { village_code: 'village' },
    fields: [
      villageCode,
      f('year', '年度', 'year', pastYear, '考核年度，不晚于今年', { ...req, example: '2020' }),
      f('element', '事项代码', 'duty code', { kind: 'text', max: 40 }, '本县“十个一”清单中的代码（与考核细则2.4.1的清单一致）', { ...req, example: 'diary' }),
      f('title', '事项', 'duty', { kind: 'text', max: 100 }, '事项名称', { ...req, example: '记好一本民情日记' }),
      f('done', '是否完成', 'done', bool, '是或否', { ...req, example: '是' }),
      f('note', '备注', 'note', note(500), '可分多行', { example: '' }),
    ],
  },
  {
    kind: 'code-lists',
    title: { zh: '代码表', en: 'Code lists' },
    table: 'code_lists',
    key: ['list', 'code', 'valid_from'],
    conflict: ['list', 'code', 'valid_from'],
    refs: {},
    fields: [
      f('list', '代码表', 'list', { kind: 'text', max: 40 }, 'cause（致贫原因）、attribute（贫困户属性）、status、standard、relation、education、schooling、health、labour', {
        ...req,
        example: 'cause',
      }),
      f('code', '代码', 'code', { kind: 'text', max: 40 }, '代码', { ...req, example: 'illness' }),
      f('label_zh', '中文名称', 'Chinese label', { kind: 'text', max: 100 }, '表格中使用的中文名称', { ...req, example: '因病' }),
      f('label_en', '英文名称', 'English label', { kind: 'text', max: 100 }, '', { example: 'illness' }),
      // A code list may be set up ahead of the year it takes effect (or ends).
      f('valid_from', '起始年度', 'valid from', plannedYear, '从该年起有效（最晚为今后10年内）', { ...req, example: '2014' }),
      f('valid_to', '截止年度', 'valid to', plannedYear, '到该年止有效；仍有效留空', { example: '' }),
    ],
    check: (r) => (r.valid_to !== null && Number(r.valid_to) < Number(r.valid_from) ? [{ field: 'valid_to', ...problem('before-start-year') }] : []),
  },
  {
    kind: 'poverty-lines',
    title: { zh: '贫困线', en: 'Poverty lines' },
    table: 'poverty_lines',
    key: ['year'],
    conflict: ['year'],
    refs: {},
    fields: [
      // Next year's line is announced before the year begins.
      f('year', '年度', 'year', { kind: 'year', ahead: 1 }, '年份，最晚为明年', { ...req, example: '2020' }),
      f('amount_fen', '贫困线（元）', 'poverty line (yuan)', { kind: 'money' }, '当年扶贫标准，元/人·年', { ...req, aliases: ['扶贫标准'], example: '4000' }),
    ],
  },
];

/** A kind by name; undefined if there is none. */
export function kindSpec(kind: string): KindSpec | undefined {
  return KINDS.find((k) => k.kind === kind);
}
