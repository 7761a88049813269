import { StaffClaims } from '../../components/claims';
import { PageHeader } from '../../components/states';

/** Money → Claims: missing-commission claims of every partner within reach, open ones by deadline. */
export function ClaimsPage() {
  return (
    <>
      <PageHeader
        title="Missing-commission claims"
        description="Claims partners filed from their Earnings page. Answer before the deadline; accepting books a manual adjustment."
      />
      <StaffClaims />
    </>
  );
}
