import {
  AppShell,
  Badge,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBell,
  IconBuildingStore,
  IconChevronDown,
  IconClipboardCheck,
  IconCoin,
  IconCurrencyEuro,
  IconFileCertificate,
  IconReceipt,
  IconScale,
  IconSettings,
  IconWallet,
  IconDashboard,
  IconReportAnalytics,
  IconChartBar,
  IconHierarchy,
  IconRoute,
  IconWebhook,
  IconHome,
  IconKey,
  IconLink,
  IconLogout,
  IconMessageReport,
  IconMessages,
  IconMovie,
  IconShieldCheck,
  IconUser,
  IconUserCircle,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type ComponentType, Suspense } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { type Area, can } from '../access';
import { logout } from '../api/endpoints';
import { ROLE_LABELS } from '../format';
import { NotificationBell } from './notification-bell';
import { LoadingState } from './states';
import { useSession, useSetSession } from '../session';
import { setViewAs, ViewAsBanner } from '../view-as';

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ size?: number; 'aria-hidden'?: boolean }>;
  area: Area;
  exact?: boolean;
}

interface NavGroup {
  label: string | null;
  items: NavItem[];
}

const STAFF_NAV: NavGroup[] = [
  {
    label: null,
    items: [
      { to: '/', label: 'Overview', icon: IconDashboard, area: 'overview', exact: true },
      { to: '/reports', label: 'Reports', icon: IconReportAnalytics, area: 'reports' },
      { to: '/partners', label: 'Partners', icon: IconUsersGroup, area: 'partners' },
      { to: '/tracking', label: 'Tracking', icon: IconRoute, area: 'tracking' },
      { to: '/onboarding', label: 'Onboarding', icon: IconClipboardCheck, area: 'onboarding' },
      { to: '/deliverables', label: 'Deliverables', icon: IconMovie, area: 'deliverables' },
      { to: '/deals', label: 'Deals', icon: IconFileCertificate, area: 'deals' },
      { to: '/audit', label: 'Audit', icon: IconShieldCheck, area: 'audit' },
    ],
  },
  {
    label: 'Money',
    items: [
      { to: '/money/commissions', label: 'Commission lines', icon: IconCoin, area: 'money' },
      { to: '/money/payouts', label: 'Payouts and statements', icon: IconWallet, area: 'payouts' },
      { to: '/money/claims', label: 'Claims', icon: IconMessageReport, area: 'claims' },
      { to: '/money/reconciliation', label: 'Reconciliation', icon: IconScale, area: 'reconciliation' },
      { to: '/money/fx', label: 'FX rates', icon: IconCurrencyEuro, area: 'money' },
    ],
  },
  {
    label: 'Settings',
    items: [
      { to: '/settings/brands', label: 'Brands', icon: IconBuildingStore, area: 'brands' },
      { to: '/settings/users', label: 'Users and roles', icon: IconUsers, area: 'users' },
      { to: '/settings/api-keys', label: 'API keys', icon: IconKey, area: 'apiKeys' },
      {
        to: '/settings/notification-templates',
        label: 'Notification templates',
        icon: IconBell,
        area: 'notificationTemplates',
      },
    ],
  },
];

const PARTNER_NAV: NavGroup[] = [
  {
    label: null,
    items: [
      { to: '/portal', label: 'Home', icon: IconHome, area: 'portal', exact: true },
      { to: '/portal/onboarding', label: 'Onboarding', icon: IconClipboardCheck, area: 'portal' },
      { to: '/portal/links', label: 'Links and codes', icon: IconLink, area: 'portal' },
      { to: '/portal/deliverables', label: 'Deliverables', icon: IconMovie, area: 'portal' },
      { to: '/portal/reports', label: 'Reports', icon: IconChartBar, area: 'portal' },
      { to: '/portal/customers', label: 'Customers', icon: IconUsers, area: 'portal' },
      { to: '/portal/sub-partners', label: 'Sub-partners', icon: IconHierarchy, area: 'portal' },
      { to: '/portal/postbacks', label: 'Postbacks', icon: IconWebhook, area: 'portal' },
      { to: '/portal/earnings', label: 'Earnings', icon: IconReceipt, area: 'portal' },
      { to: '/portal/payouts', label: 'Payouts and statements', icon: IconWallet, area: 'portal' },
      { to: '/portal/profile', label: 'Profile', icon: IconUserCircle, area: 'portal' },
      { to: '/portal/api-keys', label: 'API keys', icon: IconKey, area: 'portal' },
      { to: '/portal/messages', label: 'Messages', icon: IconMessages, area: 'portal' },
      { to: '/portal/settings', label: 'Settings', icon: IconSettings, area: 'portal' },
    ],
  },
];

export function Shell() {
  const session = useSession();
  const role = session.user.role;
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const navigate = useNavigate();
  const setSession = useSetSession();
  const signOut = useMutation({
    mutationFn: logout,
    onSettled: () => {
      setViewAs(null);
      setSession(null);
      navigate('/login', { replace: true });
    },
  });

  const groups = (role === 'partner' ? PARTNER_NAV : STAFF_NAV)
    .map((g) => ({ ...g, items: g.items.filter((i) => can(role, i.area)) }))
    .filter((g) => g.items.length > 0);

  const isActive = (item: NavItem) =>
    item.exact ? location.pathname === item.to : location.pathname.startsWith(item.to);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Text
              component={Link}
              to={role === 'partner' ? '/portal' : '/'}
              fw={750}
              size="lg"
              c="indigo.8"
              style={{ textDecoration: 'none' }}
            >
              Consort
            </Text>
            <Badge variant="light" color="gray" visibleFrom="xs">
              {role === 'partner' ? 'Partner portal' : 'Staff console'}
            </Badge>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <NotificationBell />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton>
                  <span className="visually-hidden">Account menu:</span>
                  <Group gap={6} wrap="nowrap">
                    <IconUser size={18} aria-hidden />
                    <div style={{ lineHeight: 1.1 }}>
                      <Text size="sm" fw={600} truncate maw={180}>
                        {session.user.displayName}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {ROLE_LABELS[role]}
                      </Text>
                    </div>
                    <IconChevronDown size={14} aria-hidden />
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{session.user.email}</Menu.Label>
                <Menu.Item component={Link} to="/account" leftSection={<IconUserCircle size={16} />}>
                  Account and security
                </Menu.Item>
                <Menu.Item
                  color="red"
                  leftSection={<IconLogout size={16} />}
                  onClick={() => signOut.mutate()}
                >
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <AppShell.Section grow component={ScrollArea}>
          {groups.map((g) => (
            <div key={g.label ?? 'main'}>
              {g.label && (
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mt="md" mb={4}>
                  {g.label}
                </Text>
              )}
              {g.items.map((item) => (
                <NavLink
                  key={item.to}
                  component={Link}
                  to={item.to}
                  label={item.label}
                  leftSection={<item.icon size={18} aria-hidden />}
                  active={isActive(item)}
                  variant="filled"
                  aria-current={isActive(item) ? 'page' : undefined}
                  onClick={close}
                />
              ))}
            </div>
          ))}
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <ViewAsBanner />
        <Suspense fallback={<LoadingState />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
