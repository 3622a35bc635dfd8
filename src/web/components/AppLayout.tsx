/**
 * The shell: a menu by role (a drawer on a phone), the language switch, the user's menu. A chunk
 * of its own (App.tsx): the sign-in page does without it, a signed-in page fetches it beside its own.
 */
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { errorText } from '../lib/api.ts';
import { App, Button, Dropdown, Layout, Menu, Tag, Tooltip, type MenuProps } from 'antd';
import {
  ApartmentOutlined,
  AuditOutlined,
  BookOutlined,
  CarryOutOutlined,
  CheckSquareOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  ExportOutlined,
  FileSearchOutlined,
  FlagOutlined,
  HomeOutlined,
  ImportOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  MessageOutlined,
  SolutionOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserOutlined,
  UsergroupAddOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth, useRoleName, useUser } from '../lib/auth.tsx';
import { navigate, pathTo, type RouteName } from '../lib/router.tsx';
import { navFor, type NavKey } from '../lib/roles.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { SyncStatus } from './SyncStatus.tsx';
import { startOffline, useOfflineStatus } from '../offline/runner.ts';
import { useIsNarrow, useWhenIdle } from '../lib/hooks.ts';

const ICONS: Record<NavKey, ReactNode> = {
  myVillages: <CarryOutOutlined />,
  overview: <DashboardOutlined />,
  villages: <ApartmentOutlined />,
  households: <HomeOutlined />,
  workTeams: <TeamOutlined />,
  helpers: <SolutionOutlined />,
  records: <FileSearchOutlined />,
  imports: <ImportOutlined />,
  exports: <ExportOutlined />,
  schemes: <BookOutlined />,
  campaigns: <FlagOutlined />,
  review: <CheckSquareOutlined />,
  rankings: <TrophyOutlined />,
  appeals: <MessageOutlined />,
  audit: <AuditOutlined />,
  users: <UsergroupAddOutlined />,
};

const loadNavDrawer = () => import('./NavDrawer.tsx');
const NavDrawer = lazy(loadNavDrawer);
const preloadNavDrawer = () => void loadNavDrawer().catch(() => undefined);

const REGISTRY: NavKey[] = ['villages', 'households', 'workTeams', 'helpers', 'records', 'imports', 'exports'];

/** The navigation's test hook: nav-overview, nav-work-teams … */
export const navTestId = (key: NavKey) => `nav-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function AppLayout({ active, children }: { active: NavKey | undefined; children: ReactNode }) {
  const { t } = useTranslation();
  const user = useUser();
  const roleName = useRoleName();
  const { signOut, area } = useAuth();
  const { message, modal } = App.useApp();
  const narrow = useIsNarrow(992);
  const offline = useOfflineStatus();
  // The phone's queue is sent for this user whenever the server can be reached.
  useEffect(() => startOffline(user), [user]);
  const [drawer, setDrawer] = useState(false);
  // The phone's menu drawer is mounted from its first opening on (and fetched ahead, when idle).
  const [drawerUsed, setDrawerUsed] = useState(false);
  useWhenIdle(narrow, preloadNavDrawer);
  const allowed = navFor(user.role, user.area !== null && user.area !== undefined);

  const item = (key: NavKey) => ({ key, icon: ICONS[key], label: <span data-testid={navTestId(key)}>{t(`nav.${key}`)}</span> });
  const items: MenuProps['items'] = [];
  for (const key of allowed) {
    if (REGISTRY.includes(key)) continue;
    items.push(item(key));
    // The registry's pages sit together, after the overview (or first, for roles without one).
    if ((key === 'overview' || (key === allowed[0] && !allowed.includes('overview'))) && allowed.some((k) => REGISTRY.includes(k))) {
      items.push({
        key: 'registry',
        icon: <DatabaseOutlined />,
        label: <span data-testid="nav-registry">{t('nav.registry')}</span>,
        children: REGISTRY.filter((k) => allowed.includes(k)).map(item),
      });
    }
  }
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={active ? [active] : []}
      defaultOpenKeys={['registry']}
      items={items}
      onClick={({ key }) => {
        setDrawer(false);
        navigate(pathTo(key as RouteName));
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );

  const onSignOut = async () => {
    // Signing out deletes what the phone keeps: changes not yet sent are named first.
    if (offline.waiting > 0) {
      const go = await modal.confirm({
        title: t('offline.signOutTitle'),
        content: t('offline.signOutWaiting', { count: offline.waiting }),
        okText: t('auth.signOut'),
        okButtonProps: { danger: true, 'data-testid': 'signout-confirm' } as { danger: true },
      });
      if (!go) return;
    }
    try {
      await signOut();
      navigate('/login', { replace: true });
    } catch (e) {
      message.error(errorText(e));
    }
  };

  const userMenu: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <span data-testid="user-who">
          {user.displayName ?? user.username} · {roleName(user.role)}
          {area ? ` · ${area.name}` : ''}
        </span>
      ),
    },
    { type: 'divider' },
    { key: 'password', icon: <KeyOutlined />, label: <span data-testid="nav-password">{t('auth.changePassword')}</span> },
    { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="logout">{t('auth.signOut')}</span> },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow ? (
        <Layout.Sider width={216} theme="light" style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
          <div className="app-brand" style={{ height: 56, padding: '0 16px' }}>
            <span className="app-brand-mark">考</span>
            <span>{t('app.name')}</span>
          </div>
          {menu}
        </Layout.Sider>
      ) : drawerUsed ? (
        <Suspense fallback={null}>
          <NavDrawer open={drawer} onClose={() => setDrawer(false)} title={t('app.name')}>
            {menu}
          </NavDrawer>
        </Suspense>
      ) : null}
      <Layout>
        <Layout.Header className="app-header">
          {narrow ? (
            <Button
              type="text"
              icon={<MenuOutlined />}
              aria-label={t('nav.menu')}
              onPointerDown={preloadNavDrawer}
              onClick={() => {
                setDrawerUsed(true);
                setDrawer(true);
              }}
              data-testid="nav-toggle"
            />
          ) : null}
          {narrow ? (
            <div className="app-brand">
              <span className="app-brand-mark">考</span>
              <span className="hide-narrow">{t('app.name')}</span>
            </div>
          ) : (
            <div className="muted" style={{ fontSize: 13, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
              {t('app.office')}
            </div>
          )}
          <div className="app-header-spacer" />
          <SyncStatus />
          <LanguageSwitch />
          {area ? (
            // An office of an area (a city's, a county's) is told which villages it is looking at.
            <Tooltip title={t('app.areaHelp', { name: area.name })}>
              <span data-testid="session-area" style={{ display: 'inline-flex', alignItems: 'center', whiteSpace: 'nowrap', maxWidth: 200, overflow: 'hidden' }}>
                <span data-testid="session-area-name">{area.name}</span>
                <Tag className="hide-narrow" style={{ marginInlineStart: 6, marginInlineEnd: 0 }} data-testid="session-area-level">
                  {t(`app.areaLevels.${area.level}`)}
                </Tag>
              </span>
            </Tooltip>
          ) : null}
          <Dropdown
            trigger={['click']}
            menu={{
              items: userMenu,
              onClick: ({ key }) => {
                if (key === 'password') navigate(pathTo('password'));
                if (key === 'logout') void onSignOut();
              },
            }}
          >
            <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
              <span className="hide-narrow">{user.displayName ?? user.username}</span>
            </Button>
          </Dropdown>
        </Layout.Header>
        <Layout.Content>
          <div className="app-content">{children}</div>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
