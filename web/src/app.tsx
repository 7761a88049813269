import { Center } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { type Area, can, homeOf } from './access';
import { setOnUnauthenticated } from './api/client';
import { Shell } from './components/shell';
import { ErrorState, LoadingState } from './components/states';
import { AccountPage } from './pages/account-page';
import { DealsPage } from './pages/deals/deals-page';
import { DeliverablesPage } from './pages/staff/deliverables-page';
import { ClaimsPage } from './pages/money/claims-page';
import { CommissionsPage } from './pages/money/commissions-page';
import { FxPage } from './pages/money/fx-page';
import { PayoutsPage } from './pages/money/payouts-page';
import { ReconciliationPage } from './pages/money/reconciliation-page';
import { EnrolTotpPage } from './pages/auth/enrol-totp-page';
import { ForgotPasswordPage } from './pages/auth/forgot-password-page';
import { LoginPage, safeNext } from './pages/auth/login-page';
import { ResetPasswordPage } from './pages/auth/reset-password-page';
import { ForbiddenPage, NotFoundPage } from './pages/errors';
import { ApplyPage } from './pages/public/apply-page';
import { PortalApiKeysPage } from './pages/portal/portal-api-keys-page';
import { PortalCustomersPage } from './pages/portal/portal-customers-page';
import { PortalPostbacksPage } from './pages/portal/portal-postbacks-page';
import { PortalReportsPage } from './pages/portal/portal-reports-page';
import { PortalSubPartnersPage } from './pages/portal/portal-sub-partners-page';
import { PortalEarningsPage } from './pages/portal/portal-earnings-page';
import { PortalPayoutsPage } from './pages/portal/portal-payouts-page';
import { PortalHomePage } from './pages/portal/portal-home-page';
import { PortalDeliverablesPage } from './pages/portal/portal-deliverables-page';
import { PortalLinksPage } from './pages/portal/portal-links-page';
import { PortalOnboardingPage } from './pages/portal/portal-onboarding-page';
import { PortalMessagesPage } from './pages/portal/portal-messages-page';
import { PortalProfilePage } from './pages/portal/portal-profile-page';
import { PortalSettingsPage } from './pages/portal/portal-settings-page';
import { ApiKeysPage } from './pages/staff/api-keys-page';
import { AuditPage } from './pages/staff/audit-page';
import { BrandsPage } from './pages/staff/brands-page';
import { OnboardingPage } from './pages/staff/onboarding-page';
import { NotificationTemplatesPage } from './pages/staff/notification-templates-page';
import { OverviewPage } from './pages/staff/overview-page';
import { PartnerDetailPage } from './pages/staff/partner-detail-page';
import { PartnersPage } from './pages/staff/partners-page';
import { ReportsPage } from './pages/staff/reports-page';
import { TrackingPage } from './pages/staff/tracking-page';
import { UsersPage } from './pages/staff/users-page';
import { SESSION_KEY, SessionProvider, useSession, useSessionQuery } from './session';
import { effectiveSession, useViewAs } from './view-as';

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
      <Routes>
        {publicRoutes}
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to={`/login${next}`} replace />} />
      </Routes>
    );
  }

  if (session.totpEnrolmentRequired) {
    return (
      <SessionProvider session={session}>
        <Routes>
          {publicRoutes}
          <Route path="/enrol-2fa" element={<EnrolTotpPage />} />
          <Route path="*" element={<Navigate to="/enrol-2fa" replace />} />
        </Routes>
      </SessionProvider>
    );
  }

  const seen = effectiveSession(session, viewAs);
  return (
    <SessionProvider session={seen}>
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
    </SessionProvider>
  );
}
