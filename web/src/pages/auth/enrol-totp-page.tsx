import { Anchor, Stack } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { homeOf } from '../../access';
import { logout } from '../../api/endpoints';
import { TotpEnrolment } from '../../components/totp-enrolment';
import { SESSION_KEY, useSession, useSetSession } from '../../session';
import { AuthLayout } from './auth-layout';

/** Shown after sign-in when the operator requires two-factor for this role and it is not set up yet. */
export function EnrolTotpPage() {
  const session = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const setSession = useSetSession();
  return (
    <AuthLayout
      title="Set up two-factor authentication"
      subtitle="Your operator requires two-factor authentication for your role before you can continue."
    >
      <Stack>
        <TotpEnrolment
          onEnabled={async () => {
            await qc.invalidateQueries({ queryKey: SESSION_KEY });
            navigate(homeOf(session.user.role), { replace: true });
          }}
        />
        <Anchor
          component="button"
          type="button"
          size="sm"
          onClick={async () => {
            await logout().catch(() => undefined);
            setSession(null);
            navigate('/login', { replace: true });
          }}
        >
          Sign out
        </Anchor>
      </Stack>
    </AuthLayout>
  );
}
