/**
 * Response bodies of the two endpoints. Field order is part of the contract: clients and the
 * README compare the serialised JSON, so the object literals below are written in that order.
 */
export const STANDARD_MESSAGE =
  'This function does NOT provide tenant isolation and every tenant reads and writes the same DynamoDB row. Incremented counter is shared across all the tenants';

export interface CounterBody {
  counter: number;
  tenant_id: string | null;
  isolation_enabled: boolean;
  message: string;
}

export const standardBody = (counter: number, tenantId: string | null): CounterBody => ({
  counter,
  tenant_id: tenantId,
  isolation_enabled: false,
  message: STANDARD_MESSAGE,
});

export const isolatedBody = (counter: number, tenantId: string): CounterBody => ({
  counter,
  tenant_id: tenantId,
  isolation_enabled: true,
  message: `Counter incremented for tenant ${tenantId}`,
});
