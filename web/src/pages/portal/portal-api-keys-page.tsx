import { ApiKeysPanel } from '../../components/api-keys-panel';
import { PageHeader } from '../../components/states';

export function PortalApiKeysPage() {
  return (
    <>
      <PageHeader
        title="API keys"
        description="Push your own leads and pull your own reports from your systems. Keys reach your data only."
      />
      <ApiKeysPanel mode="partner" />
    </>
  );
}
