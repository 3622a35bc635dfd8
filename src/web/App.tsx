/** The app: sign-in first (and a forced password change), then the pages of the user's role. */
import { Component, lazy, Suspense, useEffect, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { Button } from 'antd';
import { Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { loadMoreStrings, useLangReady } from './i18n/index.ts';
import { useAuth } from './lib/auth.tsx';
import { navigate, pathTo, useRoute, type RouteName } from './lib/router.tsx';
import { homeFor, navFor, type NavKey } from './lib/roles.ts';
import { Loading } from './components/common.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { ChangePasswordPage } from './pages/ChangePasswordPage.tsx';

type Page = LazyExoticComponent<ComponentType>;
type PageModule = () => Promise<{ default: ComponentType }>;

/** A page whose labels are among the Chinese strings that load apart (i18n/index.ts): its code and those strings, together. */
const withMoreStrings =
  (load: PageModule): PageModule =>
  () =>
    Promise.all([load(), loadMoreStrings()]).then(([page]) => page);

/** Each page's chunk: loaded on first visit, so the sign-in page carries neither the charts nor the editor. */
const PAGE_MODULES: Partial<Record<RouteName, PageModule>> = {
  overview: () => import('./pages/OverviewPage.tsx'),
  villages: () => import('./pages/registry/VillagesPage.tsx'),
  households: () => import('./pages/registry/HouseholdsPage.tsx'),
  workTeams: () => import('./pages/registry/WorkTeamsPage.tsx'),
  helpers: () => import('./pages/registry/HelpersPage.tsx'),
  records: withMoreStrings(() => import('./pages/registry/RecordsPage.tsx')),
  imports: withMoreStrings(() => import('./pages/registry/ImportWizardPage.tsx')),
  exports: withMoreStrings(() => import('./pages/registry/ExportsPage.tsx')),
  schemes: withMoreStrings(() => import('./pages/schemes/SchemesPage.tsx')),
  scheme: withMoreStrings(() => import('./pages/schemes/SchemePage.tsx')),
  schemeVersion: withMoreStrings(() => import('./pages/schemes/SchemePage.tsx')),
  schemeEdit: withMoreStrings(() => import('./pages/schemes/SchemeEditorPage.tsx')),
  schemeForm: withMoreStrings(() => import('./pages/schemes/SchemeFormPage.tsx')),
  schemeImport: withMoreStrings(() => import('./pages/schemes/SchemeImportPage.tsx')),
  campaigns: () => import('./pages/campaigns/CampaignsPage.tsx'),
  campaign: () => import('./pages/campaigns/CampaignPage.tsx'),
  villageAssessment: () => import('./pages/assessment/AssessmentPage.tsx'),
  assessment: () => import('./pages/assessment/AssessmentPage.tsx'),
  review: () => import('./pages/ReviewPage.tsx'),
  rankings: () => import('./pages/RankingsPage.tsx'),
  appeals: () => import('./pages/AppealsPage.tsx'),
  audit: withMoreStrings(() => import('./pages/AuditPage.tsx')),
  sheet: () => import('./pages/assessment/SheetPage.tsx'),
  users: withMoreStrings(() => import('./pages/UsersPage.tsx')),
  myVillages: () => import('./pages/MyVillagesPage.tsx'),
};
const PAGES: Partial<Record<RouteName, Page>> = Object.fromEntries(Object.entries(PAGE_MODULES).map(([name, load]) => [name, lazy(load)]));
const SheetPage = PAGES.sheet!;
/** The shell (menu, header) of the signed-in pages: the sign-in page loads without it. */
const loadLayout = () => import('./components/AppLayout.tsx').then((m) => ({ default: m.AppLayout }));
const AppLayout = lazy(loadLayout);

/** Which menu entry a route belongs to (for the highlight and the role check). */
export const ROUTE_NAV: Partial<Record<RouteName, NavKey>> = {
  overview: 'overview',
  villages: 'villages',
  households: 'households',
  workTeams: 'workTeams',
  helpers: 'helpers',
  records: 'records',
  imports: 'imports',
  exports: 'exports',
  schemes: 'schemes',
  scheme: 'schemes',
  schemeVersion: 'schemes',
  schemeEdit: 'schemes',
  schemeForm: 'schemes',
  schemeImport: 'schemes',
  myVillages: 'myVillages',
  campaigns: 'campaigns',
  campaign: 'campaigns',
  villageAssessment: 'campaigns',
  assessment: 'campaigns',
  review: 'review',
  rankings: 'rankings',
  appeals: 'appeals',
  audit: 'audit',
  users: 'users',
};

/**
 * A page that fails to load or render shows why, with a reload: after a new build the old
 * page's chunks are gone, and a reload fetches the new ones.
 */
class PageBoundary extends Component<{ children: ReactNode; resetKey: string; title: string; reload: string }, { error: Error | null; key: string }> {
  override state = { error: null as Error | null, key: this.props.resetKey };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  static getDerivedStateFromProps(props: { resetKey: string }, state: { key: string; error: Error | null }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Result
        status="error"
        title={this.props.title}
        subTitle={this.state.error.message}
        extra={
          <Button type="primary" onClick={() => window.location.reload()} data-testid="page-reload">
            {this.props.reload}
          </Button>
        }
      />
    );
  }
}

export function App() {
  const { user } = useAuth();
  const route = useRoute();
  const { t } = useTranslation();
  const langReady = useLangReady();

  const redirectHome = !!user && route.name === 'overview' && !navFor(user.role).includes('overview');
  // A page opened by its address (a bookmark, a reload) has its chunk fetched while the app asks
  // who is signed in, not after the answer: a round trip less on a slow link. A signed-out
  // visitor comes back to the same address after signing in. Not the overview: `/` is where
  // everyone lands, and roles without an overview would fetch its charts for nothing.
  useEffect(() => {
    if (route.name !== 'login' && route.name !== 'notFound' && route.name !== 'overview') void PAGE_MODULES[route.name]?.().catch(() => undefined);
  }, [route.name]);
  // The shell likewise, but for the sign-in page and the score sheet (which go without it); once
  // someone signs in, with the page they land on.
  const needsLayout = user ? !user.mustChangePassword : route.name !== 'login' && route.name !== 'sheet';
  useEffect(() => {
    if (needsLayout) void loadLayout().catch(() => undefined);
  }, [needsLayout]);
  useEffect(() => {
    if (user && route.name === 'login') {
      const next = route.query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : pathTo(homeFor(user.role)), { replace: true });
    } else if (user && redirectHome) {
      // A role without the overview starts on its own first page.
      navigate(pathTo(homeFor(user.role)), { replace: true });
    }
  }, [user, route.name, route.query, redirectHome]);

  // Until who is signed in is known, and the saved language's strings are there (English is fetched).
  const starting = (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" />
    </div>
  );
  if (user === undefined || !langReady) return starting;
  if (user === null) return <LoginPage />;
  if (user.mustChangePassword) return <ChangePasswordPage forced />;

  if (route.name === 'sheet') {
    return (
      <PageBoundary resetKey="sheet" title={t('errors.pageFailed')} reload={t('common.reload')}>
        <Suspense fallback={<Loading />}>
          <SheetPage />
        </Suspense>
      </PageBoundary>
    );
  }

  let content;
  if (route.name === 'password') content = <ChangePasswordPage />;
  else if (route.name === 'login' || redirectHome) content = <Loading />;
  else {
    const Page = route.name === 'notFound' ? undefined : PAGES[route.name];
    content = Page ? <Page /> : <Result status="404" title={t('errors.pageNotFound')} />;
  }
  return (
    <PageBoundary resetKey="layout" title={t('errors.pageFailed')} reload={t('common.reload')}>
      <Suspense fallback={starting}>
        <AppLayout active={route.name === 'notFound' ? undefined : ROUTE_NAV[route.name]}>
          <PageBoundary resetKey={route.name} title={t('errors.pageFailed')} reload={t('common.reload')}>
            <Suspense fallback={<Loading />}>{content}</Suspense>
          </PageBoundary>
        </AppLayout>
      </Suspense>
    </PageBoundary>
  );
}
