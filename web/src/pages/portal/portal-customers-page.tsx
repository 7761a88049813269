import { getPortalCustomerEvents, listPortalCustomers } from '../../api/endpoints';
import { CustomersTable } from '../../components/customers-table';
import { PageHeader } from '../../components/states';

export function PortalCustomersPage() {
  return (
    <>
      <PageHeader
        title="Customers"
        description="The customers you referred, by pseudonymous id: registered, first deposit (FTD), active in the last 30 days, qualified for a CPA. No personal data is shown."
      />
      <CustomersTable
        queryKey={['portal', 'customers']}
        load={listPortalCustomers}
        loadEvents={getPortalCustomerEvents}
      />
    </>
  );
}
