/** A scheme as a tree table: codes, titles, points, rules, pools, applicability and checklists. */
import { useMemo } from 'react';
import { Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { describeCondition } from '../../core/scheme/conditions.ts';
import { textOf, type Scheme, type SchemeNode } from '../../core/scheme/model.ts';
import { schemeLang } from '../i18n/index.ts';
import { useFormat } from '../lib/format.ts';
import { ruleWords } from '../lib/rule-words.ts';

interface Row {
  key: string;
  node: SchemeNode;
  depth: number;
  children?: Row[];
}

function rows(nodes: SchemeNode[], depth: number): Row[] {
  return nodes.map((n) => ({ key: n.code, node: n, depth, ...(n.children.length ? { children: rows(n.children, depth + 1) } : {}) }));
}

export function SchemeTree({ scheme, testId, compact }: { scheme: Scheme; testId?: string; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const lang = schemeLang(i18n.language);
  const data = useMemo(() => rows(scheme.sections, 0), [scheme]);
  const allKeys = useMemo(() => {
    const keys: string[] = [];
    const go = (r: Row[]) => r.forEach((x) => (x.children ? (keys.push(x.key), go(x.children)) : undefined));
    go(data);
    return keys;
  }, [data]);

  const columns: ColumnsType<Row> = [
    {
      title: t('scheme.node'),
      key: 'title',
      render: (_, r) => (
        <span>
          <span className="mono" style={{ marginInlineEnd: 6 }}>
            {r.node.code}
          </span>
          <span style={{ fontWeight: r.depth === 0 ? 600 : r.node.children.length ? 500 : 400 }}>{textOf(r.node.title, lang)}</span>
          {r.node.bonus ? (
            <Tag color="green" style={{ marginInlineStart: 6 }}>
              {t('scheme.bonusSection')}
            </Tag>
          ) : null}
          {r.node.penalty ? (
            <Tag color="red" style={{ marginInlineStart: 6 }}>
              {r.node.penaltyCap !== undefined ? t('scheme.penaltySectionCap', { points: fmt.cents(r.node.penaltyCap) }) : t('scheme.penaltySection')}
            </Tag>
          ) : null}
          {r.node.highestOnly ? (
            <Tag color="gold" style={{ marginInlineStart: 6 }}>
              {t('scheme.highestOnly')}
            </Tag>
          ) : null}
          {r.node.pool ? (
            <Tooltip title={t('scheme.poolHelp', { points: fmt.cents(r.node.points ?? 0) })}>
              <Tag color="volcano" style={{ marginInlineStart: 6 }}>
                {t('scheme.pool')}
              </Tag>
            </Tooltip>
          ) : null}
          {!compact && r.node.text ? (
            <div className="muted" style={{ fontSize: 12 }}>
              {textOf(r.node.text, lang)}
            </div>
          ) : null}
          {!compact && r.node.checklist?.length ? (
            <div style={{ fontSize: 12, marginTop: 2 }}>
              {r.node.checklist.map((e) => (
                <Tag key={e.code} style={{ marginTop: 2 }}>
                  {textOf(e.title, lang)}
                </Tag>
              ))}
            </div>
          ) : null}
        </span>
      ),
    },
    {
      title: t('scheme.points'),
      key: 'points',
      width: 72,
      align: 'right',
      render: (_, r) => (r.node.points === null ? <span className="muted">—</span> : fmt.cents(r.node.points)),
    },
    {
      title: t('scheme.rule'),
      key: 'rule',
      width: compact ? 150 : 220,
      render: (_, r) => (
        <div>
          <div>{ruleWords(r.node.rule, t, fmt)}</div>
          {!compact && r.node.ruleText ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {textOf(r.node.ruleText, lang)}
            </Typography.Text>
          ) : null}
          {!compact && (r.node.dataSource || r.node.department) ? (
            <div className="muted" style={{ fontSize: 12 }} data-testid={`source-${r.node.code}`}>
              {[
                r.node.dataSource ? t('scheme.dataSource', { source: textOf(r.node.dataSource, lang) }) : '',
                r.node.department ? t('scheme.department', { department: textOf(r.node.department, lang) }) : '',
              ]
                .filter(Boolean)
                .join(lang === 'zh' ? '；' : '; ')}
            </div>
          ) : null}
          {r.node.appliesIf ? (
            <div>
              <Tag color="blue">{t('scheme.appliesIf', { condition: describeCondition(r.node.appliesIf) })}</Tag>
            </div>
          ) : null}
        </div>
      ),
    },
  ];

  return (
    <Table<Row>
      data-testid={testId ?? 'scheme-tree'}
      size="small"
      rowKey="key"
      columns={columns}
      dataSource={data}
      pagination={false}
      expandable={{ defaultExpandedRowKeys: allKeys, indentSize: 14 }}
      scroll={{ x: compact ? 480 : 640 }}
    />
  );
}

/** The scheme's totals: base, bonus cap, maximum. */
export function schemeTotals(scheme: Scheme): { base: number; bonus: number } {
  let base = 0;
  let bonus = 0;
  for (const s of scheme.sections) {
    if (s.bonus) bonus += s.points ?? 0;
    else base += s.points ?? 0;
  }
  return { base, bonus };
}
