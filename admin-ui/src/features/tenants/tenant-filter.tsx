/**
 * @module "All tenants" or one: the tenant filter of the API users, usage and audit log screens.
 */
import { SelectFilter } from "../../components/select-filter";
import { useTenants } from "./tenant-queries";

export function TenantFilter({
  value,
  onChange,
  testId,
}: {
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  const tenants = useTenants();
  return (
    <SelectFilter
      label="Tenant"
      value={value}
      onChange={onChange}
      anyLabel="All tenants"
      options={(tenants.data?.data ?? []).map((t) => [t.id, t.name] as const)}
      testId={testId}
    />
  );
}
