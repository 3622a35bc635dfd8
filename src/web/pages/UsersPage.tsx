/**
 * 用户管理, for the office: every user with role, scope (by name), state, last sign-in and the
 * one-time-password flag; adding a user, changing the role and scope, resetting a password (the
 * one-time password shown once, with a copy button) and disabling / enabling with confirmation.
 * An office, a viewer and an inspector may be given an area (所属区域: a province, city or
 * county), whose villages alone they see. The server decides again (policies, the last
 * administrator, the office's own area) and audits each change.
 */
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { CopyOutlined, PlusOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ErrorView, PageHeader } from '../components/common.tsx';
import { api, errorText } from '../lib/api.ts';
import { useApi } from '../lib/hooks.ts';
import { roleName, useAuth, useSessionArea, useUser } from '../lib/auth.tsx';
import { useFormat } from '../lib/format.ts';
import type { Places } from '../lib/places.ts';
import type {
  Area,
  AreasAnswer,
  CreateUserRequest,
  PasswordReset,
  SessionArea,
  UpdateUserRequest,
  UserAnswer,
  UserCreated,
  UserListed,
  UsersAnswer,
} from '../../contract/index.ts';
import { useReturnFocus } from '../lib/a11y.tsx';
import type { Role } from '../../core/roles.ts';

const ROLE_ORDER: Role[] = ['admin', 'reviewer', 'inspector', 'village', 'viewer'];
/** The roles an area (所属区域) is given to: an office, a viewer, an inspector. */
const AREA_ROLES: ReadonlySet<Role> = new Set(['admin', 'viewer', 'inspector']);
const OFFICE_LEVELS: ReadonlySet<Area['level']> = new Set(['province', 'city', 'county']);

interface ScopeValues {
  username?: string;
  displayName?: string;
  role: Role;
  township?: string;
  village?: string;
  /** '' : none chosen (the office's own area, or the whole database). */
  area?: string;
}

/** An area an office may be given: a province, city or county of the registry, indented by its depth. */
interface OfficeArea {
  code: string;
  name: string;
  level: SessionArea['level'];
  depth: number;
}

interface UserPlaces extends Places {
  loading: boolean;
  levels: Map<string, Area['level']>;
  /** The provinces, cities and counties within the office's reach, depth first (its own area first). */
  offices: OfficeArea[];
}

/**
 * The registry's area tree read once: the townships and villages of the scope selects (as
 * lib/places.ts makes them), names and levels by code, and the areas above the township an
 * office, a viewer or an inspector may be given, cut to the signed-in office's own area.
 */
function useUserPlaces(own: SessionArea | null): UserPlaces {
  const { data, loading } = useApi<AreasAnswer>('/areas');
  const places = useMemo(() => {
    const names = new Map<string, string>();
    const levels = new Map<string, Area['level']>();
    const townships: Places['townships'] = [];
    const villages: Places['villages'] = [];
    const offices: OfficeArea[] = [];
    const go = (a: Area, depth: number, within: boolean) => {
      names.set(a.code, a.name);
      levels.set(a.code, a.level);
      const inside = within || a.code === own?.code;
      if (a.level === 'township') {
        townships.push({ value: a.code, label: a.name });
        const here = (a.children ?? []).filter((c) => c.level === 'village');
        here.forEach((c) => {
          names.set(c.code, c.name);
          levels.set(c.code, c.level);
        });
        if (here.length) villages.push({ label: a.name, options: here.map((c) => ({ value: c.code, label: c.name })) });
        return;
      }
      if (inside && OFFICE_LEVELS.has(a.level)) offices.push({ code: a.code, name: a.name, level: a.level as SessionArea['level'], depth });
      a.children?.forEach((c) => go(c, inside && OFFICE_LEVELS.has(a.level) ? depth + 1 : depth, inside));
    };
    (data?.areas ?? []).forEach((a) => go(a, 0, own === null));
    return { names, levels, townships, villages, offices };
  }, [data, own]);
  return { ...places, loading };
}

/** The form of a new user, or of a user's role and scope (`editing`): the scope select follows the role. */
function UserForm({ editing, places, onDone, onCancel }: { editing: UserListed | null; places: UserPlaces; onDone: (created?: UserCreated) => void; onCancel: () => void }) {
  useReturnFocus();
  const { t } = useTranslation();
  const own = useSessionArea();
  const [form] = Form.useForm<ScopeValues>();
  const role = Form.useWatch('role', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The empty choice: the office's own area, or for the office of the whole database, every village.
  const noArea = own ? t('users.areaOwn', { name: own.name }) : t('users.areaAll');
  const areaOptions = [
    { value: '', label: noArea, title: noArea, name: noArea, depth: 0 },
    ...places.offices.map((a) => ({ value: a.code, label: `${a.name} ${a.code}`, title: a.name, name: a.name, depth: a.depth })),
    // A user's area the office's list does not hold (outside the registry's tree as read): kept, by code.
    ...(editing?.area && !places.offices.some((a) => a.code === editing.area)
      ? [{ value: editing.area, label: places.names.get(editing.area) ?? editing.area, title: editing.area, name: places.names.get(editing.area) ?? editing.area, depth: 0 }]
      : []),
  ];

  const submit = async (v: ScopeValues) => {
    setBusy(true);
    setError(null);
    const scope = {
      ...(v.role === 'reviewer' && v.township ? { township: v.township } : {}),
      ...(v.role === 'village' && v.village ? { village: v.village } : {}),
      // None chosen: the server gives the office's own area (or none, to the office of the whole database).
      ...(AREA_ROLES.has(v.role) && v.area ? { area: v.area } : {}),
    };
    try {
      if (editing) {
        await api.patch<UserAnswer>(`/users/${editing.id}`, { role: v.role, ...scope } satisfies UpdateUserRequest);
        onDone();
      } else {
        const body: CreateUserRequest = { username: v.username!.trim(), role: v.role, ...scope, ...(v.displayName?.trim() ? { displayName: v.displayName.trim() } : {}) };
        onDone(await api.post<UserCreated>('/users', body));
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={editing ? t('users.editTitle', { name: editing.displayName ?? editing.username }) : t('users.add')}
      onCancel={onCancel}
      onOk={() => form.submit()}
      okText={editing ? t('common.save') : t('common.create')}
      okButtonProps={{ loading: busy, 'data-testid': 'user-form-submit' }}
      destroyOnHidden
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="user-form-error" /> : null}
      <Form<ScopeValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={
          editing ? { role: editing.role, township: editing.township ?? undefined, village: editing.village ?? undefined, area: editing.area ?? '' } : { role: 'village', area: '' }
        }
        data-testid="user-form"
      >
        {editing ? null : (
          <>
            <Form.Item
              name="username"
              label={t('users.username')}
              extra={t('users.usernameHelp')}
              rules={[
                { required: true, message: t('common.required') },
                { pattern: /^[\p{L}\p{N}._-]{2,40}$/u, message: t('users.usernameRule') },
              ]}
            >
              <Input autoComplete="off" data-testid="user-username" />
            </Form.Item>
            <Form.Item name="displayName" label={t('users.displayName')}>
              <Input autoComplete="off" data-testid="user-display-name" />
            </Form.Item>
          </>
        )}
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('common.required') }]} extra={role ? t(`users.scopeHelp.${role}`) : undefined}>
          <Select aria-label={t('users.role')} data-testid="user-role" options={ROLE_ORDER.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
        </Form.Item>
        {role === 'reviewer' ? (
          <Form.Item name="township" label={t('users.township')} rules={[{ required: true, message: t('common.required') }]}>
            <Select aria-label={t('users.township')} showSearch optionFilterProp="label" loading={places.loading} options={places.townships} data-testid="user-township" />
          </Form.Item>
        ) : null}
        {role === 'village' ? (
          <Form.Item name="village" label={t('users.village')} rules={[{ required: true, message: t('common.required') }]}>
            <Select aria-label={t('users.village')} showSearch optionFilterProp="label" loading={places.loading} options={places.villages} data-testid="user-village" />
          </Form.Item>
        ) : null}
        {role && AREA_ROLES.has(role) ? (
          <Form.Item name="area" label={t('users.area')} extra={t('users.areaHelp', { own: noArea })}>
            <Select
              aria-label={t('users.area')}
              showSearch
              optionFilterProp="label"
              loading={places.loading}
              options={areaOptions}
              classNames={{ popup: { root: 'user-area-popup' } }}
              optionRender={(o) =>
                o.value === '' ? (
                  <span>{o.label}</span>
                ) : (
                  <span style={{ paddingInlineStart: 16 * (Number(o.data.depth) || 0) }}>
                    {o.data.name} <span className="muted">{o.value}</span>
                  </span>
                )
              }
              data-testid="user-area"
            />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

/** A one-time password, shown once, with a copy button. */
function OneTimePassword({ shown, onClose }: { shown: { username: string; password: string; reset: boolean }; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(shown.password);
      message.success(t('users.copied'));
    } catch {
      message.warning(t('users.copyFailed'));
    }
  };
  return (
    <Modal
      open
      title={shown.reset ? t('users.resetDone', { name: shown.username }) : t('users.created', { name: shown.username })}
      onCancel={onClose}
      onOk={onClose}
      okText={t('users.done')}
      cancelButtonProps={{ style: { display: 'none' } }}
      okButtonProps={{ 'data-testid': 'one-time-done' }}
    >
      <Alert type="warning" showIcon title={t('users.oneTimeHelp')} style={{ marginBottom: 12 }} data-testid="one-time-help" />
      <Space align="center">
        <span>{t('users.oneTimePassword')}</span>
        <Typography.Text code strong style={{ fontSize: 18 }} data-testid="one-time-password">
          {shown.password}
        </Typography.Text>
        <Button icon={<CopyOutlined />} onClick={copy} data-testid="one-time-copy">
          {t('users.copy')}
        </Button>
      </Space>
    </Modal>
  );
}

export default function UsersPage() {
  const { t } = useTranslation();
  const me = useUser();
  const { databaseLevel } = useAuth();
  const fmt = useFormat();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useApi<UsersAnswer>('/users');
  const places = useUserPlaces(useSessionArea());
  const [form, setForm] = useState<{ editing: UserListed | null } | null>(null);
  const [shown, setShown] = useState<{ username: string; password: string; reset: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (key: string, work: () => Promise<void>) => {
    setBusy(key);
    try {
      await work();
      reload();
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const reset = (u: UserListed) =>
    act(`reset-${u.id}`, async () => {
      const r = await api.post<PasswordReset>(`/users/${u.id}/reset-password`);
      setShown({ username: u.username, password: r.password, reset: true });
    });
  const toggle = (u: UserListed) =>
    act(`toggle-${u.id}`, async () => {
      await api.post<UserAnswer>(`/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`);
      message.success(u.disabled ? t('users.enabled', { name: u.username }) : t('users.disabledDone', { name: u.username }));
    });

  const scopeOf = (u: UserListed) => {
    if (AREA_ROLES.has(u.role) && u.area) {
      const name = places.names.get(u.area);
      return (
        <span data-testid="user-area-name">
          {name ?? u.area}
          {name ? <span className="muted"> {u.area}</span> : null}
        </span>
      );
    }
    const code = u.role === 'reviewer' ? u.township : u.role === 'village' ? u.village : null;
    if (code) {
      const name = places.names.get(code);
      return (
        <span>
          {name ?? code}
          {name ? <span className="muted"> {code}</span> : null}
        </span>
      );
    }
    return <span className="muted">{t(`users.scopeNone.${u.role}`)}</span>;
  };

  // An office above the county is not the county office: it is named by its area's level (市州办公室),
  // or the whole database's for an office without an area.
  const roleOf = (u: UserListed) => {
    const level = u.area ? places.levels.get(u.area) : databaseLevel;
    return roleName(t, u.role, level === 'province' || level === 'city' || level === 'county' ? level : null);
  };

  const columns: ColumnsType<UserListed> = [
    {
      title: t('users.username'),
      key: 'username',
      render: (_, u) => (
        <span>
          <b>{u.username}</b>
          {u.displayName ? <span className="muted"> {u.displayName}</span> : null}
          {u.id === me.id ? <Tag style={{ marginInlineStart: 6 }}>{t('users.me')}</Tag> : null}
        </span>
      ),
    },
    { title: t('users.role'), dataIndex: 'role', width: 120, render: (_: Role, u) => roleOf(u) },
    { title: t('users.scope'), key: 'scope', render: (_, u) => scopeOf(u) },
    {
      title: t('common.status'),
      key: 'state',
      width: 150,
      render: (_, u) => (
        <Space size={4} wrap>
          {u.disabled ? (
            <Tag color="error" data-testid="user-state">
              {t('users.stateDisabled')}
            </Tag>
          ) : (
            <Tag color="success" data-testid="user-state">
              {t('users.stateEnabled')}
            </Tag>
          )}
          {u.mustChangePassword ? (
            <Tag color="warning" data-testid="user-must-change">
              {t('users.mustChange')}
            </Tag>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('users.lastSignIn'),
      dataIndex: 'lastSignInAt',
      width: 160,
      render: (v: string | null) => (v ? fmt.dateTime(v) : <span className="muted">{t('users.never')}</span>),
    },
    {
      title: t('users.actions'),
      key: 'actions',
      width: 250,
      render: (_, u) => (
        <Space size={0} wrap>
          <Button type="link" size="small" onClick={() => setForm({ editing: u })} data-testid={`user-edit-${u.username}`}>
            {t('users.edit')}
          </Button>
          <Popconfirm title={t('users.resetConfirm', { name: u.username })} onConfirm={() => reset(u)} okText={t('users.reset')} cancelText={t('common.cancel')}>
            <Button type="link" size="small" loading={busy === `reset-${u.id}`} data-testid={`user-reset-${u.username}`}>
              {t('users.reset')}
            </Button>
          </Popconfirm>
          <Popconfirm
            title={u.disabled ? t('users.enableConfirm', { name: u.username }) : t('users.disableConfirm', { name: u.username })}
            onConfirm={() => toggle(u)}
            okText={u.disabled ? t('users.enable') : t('users.disable')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: !u.disabled }}
          >
            <Button type="link" size="small" danger={!u.disabled} loading={busy === `toggle-${u.id}`} data-testid={`user-${u.disabled ? 'enable' : 'disable'}-${u.username}`}>
              {u.disabled ? t('users.enable') : t('users.disable')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <div data-testid="users-page">
      <PageHeader
        title={t('nav.users')}
        sub={t('users.help')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setForm({ editing: null })} data-testid="user-add">
            {t('users.add')}
          </Button>
        }
      />
      {error ? <ErrorView error={error} onRetry={reload} /> : null}
      <Card size="small">
        <Table<UserListed>
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={data?.users ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          scroll={{ x: 900 }}
          rowClassName={(u) => (u.disabled ? 'muted' : '')}
          onRow={(u) => ({ 'data-testid': `user-row-${u.username}` }) as object}
          data-testid="users-table"
        />
      </Card>
      {form ? (
        <UserForm
          editing={form.editing}
          places={places}
          onCancel={() => setForm(null)}
          onDone={(created) => {
            setForm(null);
            if (created) setShown({ username: created.user.username, password: created.password, reset: false });
            else message.success(t('common.saved'));
            reload();
          }}
        />
      ) : null}
      {shown ? <OneTimePassword shown={shown} onClose={() => setShown(null)} /> : null}
    </div>
  );
}
