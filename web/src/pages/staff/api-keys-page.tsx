import { ApiKeysPanel } from '../../components/api-keys-panel';
import { PageHeader } from '../../components/states';

export function ApiKeysPage() {
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys for operator integrations (events, activity, reports) and for partners. Sent as Authorization: Bearer."
      />
      <ApiKeysPanel mode="admin" />
    </>
  );
}
