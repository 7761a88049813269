import { Center } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type ComponentType, lazy, type ReactNode, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { type Area, can, homeOf } from './access';
import { setOnUnauthenticated } from './api/client';
import { Shell } from './components/shell';
import { ErrorState, LoadingState } from './components/states';
import { EnrolTotpPage } from './pages/auth/enrol-totp-page';
import { ForgotPasswordPage } from './pages/auth/forgot-password-page';
import { LoginPage, safeNext } from './pages/auth/login-page';
import { ResetPasswordPage } from './pages/auth/reset-password-page';
import { ForbiddenPage, NotFoundPage } from './pages/errors';
import { SESSION_KEY, SessionProvider, useSession, useSessionQuery } from './session';
import { effectiveSession, useViewAs } from './view-as';

/** A page loaded on first visit (one chunk per page: the sign-in screen does not wait for charts and editors). */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}
const AccountPage = page(() => import('./pages/account-page'), 'AccountPage');
const DealsPage = page(() => import('./pages/deals/deals-page'), 'DealsPage');
const DeliverablesPage = page(() => import('./pages/staff/deliverables-page'), 'DeliverablesPage');
const ClaimsPage = page(() => import('./pages/money/claims-page'), 'ClaimsPage');
const CommissionsPage = page(() => import('./pages/money/commissions-page'), 'CommissionsPage');
const FxPage = page(() => import('./pages/money/fx-page'), 'FxPage');
const PayoutsPage = page(() => import('./pages/money/payouts-page'), 'PayoutsPage');
const ReconciliationPage = page(() => import('./pages/money/reconciliation-page'), 'ReconciliationPage');
const ApplyPage = page(() => import('./pages/public/apply-page'), 'ApplyPage');
const PortalApiKeysPage = page(() => import('./pages/portal/portal-api-keys-page'), 'PortalApiKeysPage');
const PortalCustomersPage = page(() => import('./pages/portal/portal-customers-page'), 'PortalCustomersPage');
const PortalPostbacksPage = page(() => import('./pages/portal/portal-postbacks-page'), 'PortalPostbacksPage');
const PortalReportsPage = page(() => import('./pages/portal/portal-reports-page'), 'PortalReportsPage');
const PortalSubPartnersPage = page(
  () => import('./pages/portal/portal-sub-partners-page'),
  'PortalSubPartnersPage',
);
const PortalEarningsPage = page(() => import('./pages/portal/portal-earnings-page'), 'PortalEarningsPage');
const PortalPayoutsPage = page(() => import('./pages/portal/portal-payouts-page'), 'PortalPayoutsPage');
const PortalHomePage = page(() => import('./pages/portal/portal-home-page'), 'PortalHomePage');
const PortalDeliverablesPage = page(
  () => import('./pages/portal/portal-deliverables-page'),
  'PortalDeliverablesPage',
);
const PortalLinksPage = page(() => import('./pages/portal/portal-links-page'), 'PortalLinksPage');
const PortalOnboardingPage = page(
  () => import('./pages/portal/portal-onboarding-page'),
  'PortalOnboardingPage',
);
const PortalMessagesPage = page(() => import('./pages/portal/portal-messages-page'), 'PortalMessagesPage');
const PortalProfilePage = page(() => import('./pages/portal/portal-profile-page'), 'PortalProfilePage');
const PortalSettingsPage = page(() => import('./pages/portal/portal-settings-page'), 'PortalSettingsPage');
const ApiKeysPage = page(() => import('./pages/staff/api-keys-page'), 'ApiKeysPage');
const AuditPage = page(() => import('./pages/staff/audit-page'), 'AuditPage');
const BrandsPage = page(() => import('./pages/staff/brands-page'), 'BrandsPage');
const OnboardingPage = page(() => import('./pages/staff/onboarding-page'), 'OnboardingPage');
const NotificationTemplatesPage = page(
  () => import('./pages/staff/notification-templates-page'),
  'NotificationTemplatesPage',
);
const OverviewPage = page(() => import('./pages/staff/overview-page'), 'OverviewPage');
const PartnerDetailPage = page(() => import('./pages/staff/partner-detail-page'), 'PartnerDetailPage');
const PartnersPage = page(() => import('./pages/staff/partners-page'), 'PartnersPage');
const ReportsPage = page(() => import('./pages/staff/reports-page'), 'ReportsPage');
const TrackingPage = page(() => import('./pages/staff/tracking-page'), 'TrackingPage');
const UsersPage = page(() => import('./pages/staff/users-page'), 'UsersPage');

function PageLoading() {
  return (
    <Center mih="60vh">
      <LoadingState />
    </Center>
  );
}

/** A page only some roles reach: others get an explanation, not the page (the API would refuse it too). */
function Guard({ area, children }: { area: Area; children: ReactNode }) {
  const role = useSession().user.role;
  return can(role, area) ? children : <ForbiddenPage />;
}

/** Signed in on /login: go where the user was heading (a same-site path only), else home. */
function AfterSignIn({ home }: { home: string }) {
  const next = safeNext(new URLSearchParams(useLocation().search).get('next'));
  return <Navigate to={next ?? home} replace />;
}

function Home() {
  const role = useSession().user.role;
  return role === 'partner' ? <Navigate to={homeOf(role)} replace /> : <OverviewPage />;
}

export function App() {
  const qc = useQueryClient();
  const location = useLocation();
  const sessionQuery = useSessionQuery();
  const viewAs = useViewAs();

  useEffect(() => {
    setOnUnauthenticated(() => qc.setQueryData(SESSION_KEY, null));
    return () => setOnUnauthenticated(null);
  }, [qc]);

  if (sessionQuery.isPending) {
    return (
      <Center mih="100vh">
        <LoadingState />
      </Center>
    );
  }
  if (sessionQuery.isError) {
    return (
      <Center mih="100vh" p="md">
        <ErrorState error={sessionQuery.error} retry={() => sessionQuery.refetch()} />
      </Center>
    );
  }
  const session = sessionQuery.data;

  const publicRoutes = (
    <>
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/apply/:brandCode" element={<ApplyPage />} />
    </>
  );

  if (!session) {
    const next =
      location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return (
      <Suspense fallback={<PageLoading />}>
        <Routes>
          {publicRoutes}
          <Route path="/login" element={<LoginPage />} />
          <Route path="*" element={<Navigate to={`/login${next}`} replace />} />
        </Routes>
      </Suspense>
    );
  }

  if (session.totpEnrolmentRequired) {
    return (
      <SessionProvider session={session}>
        <Suspense fallback={<PageLoading />}>
          <Routes>
            {publicRoutes}
            <Route path="/enrol-2fa" element={<EnrolTotpPage />} />
            <Route path="*" element={<Navigate to="/enrol-2fa" replace />} />
          </Routes>
        </Suspense>
      </SessionProvider>
    );
  }

  const seen = effectiveSession(session, viewAs);
  return (
    <SessionProvider session={seen}>
      <Suspense fallback={<PageLoading />}>
        <Routes>
          {publicRoutes}
          <Route path="/login" element={<AfterSignIn home={homeOf(seen.user.role)} />} />
          <Route path="/enrol-2fa" element={<Navigate to={homeOf(seen.user.role)} replace />} />
          <Route element={<Shell />}>
            <Route index element={<Home />} />
            <Route
              path="reports"
              element={
                <Guard area="reports">
                  <ReportsPage />
                </Guard>
              }
            />
            <Route
              path="partners"
              element={
                <Guard area="partners">
                  <PartnersPage />
                </Guard>
              }
            />
            <Route
              path="partners/:id"
              element={
                <Guard area="partners">
                  <PartnerDetailPage />
                </Guard>
              }
            />
            <Route
              path="onboarding"
              element={
                <Guard area="onboarding">
                  <OnboardingPage />
                </Guard>
              }
            />
            <Route
              path="portal/onboarding"
              element={
                <Guard area="portal">
                  <PortalOnboardingPage />
                </Guard>
              }
            />
            <Route
              path="portal/links"
              element={
                <Guard area="portal">
                  <PortalLinksPage />
                </Guard>
              }
            />
            <Route
              path="audit"
              element={
                <Guard area="audit">
                  <AuditPage />
                </Guard>
              }
            />
            <Route
              path="settings/brands"
              element={
                <Guard area="brands">
                  <BrandsPage />
                </Guard>
              }
            />
            <Route
              path="settings/users"
              element={
                <Guard area="users">
                  <UsersPage />
                </Guard>
              }
            />
            <Route
              path="settings/api-keys"
              element={
                <Guard area="apiKeys">
                  <ApiKeysPage />
                </Guard>
              }
            />
            <Route
              path="portal"
              element={
                <Guard area="portal">
                  <PortalHomePage />
                </Guard>
              }
            />
            <Route
              path="portal/profile"
              element={
                <Guard area="portal">
                  <PortalProfilePage />
                </Guard>
              }
            />
            <Route
              path="portal/api-keys"
              element={
                <Guard area="portal">
                  <PortalApiKeysPage />
                </Guard>
              }
            />
            <Route
              path="money/commissions"
              element={
                <Guard area="money">
                  <CommissionsPage />
                </Guard>
              }
            />
            <Route
              path="money/payouts"
              element={
                <Guard area="payouts">
                  <PayoutsPage />
                </Guard>
              }
            />
            <Route
              path="money/payouts/:id"
              element={
                <Guard area="payouts">
                  <PayoutsPage />
                </Guard>
              }
            />
            <Route
              path="money/reconciliation"
              element={
                <Guard area="reconciliation">
                  <ReconciliationPage />
                </Guard>
              }
            />
            <Route
              path="money/claims"
              element={
                <Guard area="claims">
                  <ClaimsPage />
                </Guard>
              }
            />
            <Route
              path="money/fx"
              element={
                <Guard area="money">
                  <FxPage />
                </Guard>
              }
            />
            <Route
              path="deals"
              element={
                <Guard area="deals">
                  <DealsPage />
                </Guard>
              }
            />
            <Route
              path="deliverables"
              element={
                <Guard area="deliverables">
                  <DeliverablesPage />
                </Guard>
              }
            />
            <Route
              path="portal/deliverables"
              element={
                <Guard area="portal">
                  <PortalDeliverablesPage />
                </Guard>
              }
            />
            <Route
              path="portal/payouts"
              element={
                <Guard area="portal">
                  <PortalPayoutsPage />
                </Guard>
              }
            />
            <Route
              path="portal/earnings"
              element={
                <Guard area="portal">
                  <PortalEarningsPage />
                </Guard>
              }
            />
            <Route
              path="tracking"
              element={
                <Guard area="tracking">
                  <TrackingPage />
                </Guard>
              }
            />
            <Route
              path="portal/reports"
              element={
                <Guard area="portal">
                  <PortalReportsPage />
                </Guard>
              }
            />
            <Route
              path="portal/customers"
              element={
                <Guard area="portal">
                  <PortalCustomersPage />
                </Guard>
              }
            />
            <Route
              path="portal/sub-partners"
              element={
                <Guard area="portal">
                  <PortalSubPartnersPage />
                </Guard>
              }
            />
            <Route
              path="portal/postbacks"
              element={
                <Guard area="portal">
                  <PortalPostbacksPage />
                </Guard>
              }
            />
            <Route
              path="settings/notification-templates"
              element={
                <Guard area="notificationTemplates">
                  <NotificationTemplatesPage />
                </Guard>
              }
            />
            <Route
              path="portal/messages"
              element={
                <Guard area="portal">
                  <PortalMessagesPage />
                </Guard>
              }
            />
            <Route
              path="portal/settings"
              element={
                <Guard area="portal">
                  <PortalSettingsPage />
                </Guard>
              }
            />
            <Route path="account" element={<AccountPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </Suspense>
    </SessionProvider>
  );
}
