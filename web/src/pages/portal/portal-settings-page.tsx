import { SimpleGrid } from '@mantine/core';
import { NotificationPreferences } from '../../components/notification-preferences';
import { PageHeader } from '../../components/states';
import { useSession } from '../../session';
import { ChangePassword } from '../account-page';

export function PortalSettingsPage() {
  const { user } = useSession();
  return (
    <>
      <PageHeader title="Settings" description={user.email} />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <NotificationPreferences />
        <ChangePassword />
      </SimpleGrid>
    </>
  );
}
