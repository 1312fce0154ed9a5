/**
 * Under PER_TENANT an execution environment serves one tenant for its whole life. The first
 * invocation binds the environment to its tenant (the id is unknown at init); from then on every
 * request must name that tenant three times over — Lambda's `context.tenantId`, the authorizer's
 * `requestContext.authorizer.tenantId` when there is an authorizer, and the binding. Any
 * disagreement is refused (a 500, logged as an ERROR) rather than served with the wrong tenant's
 * data or credentials.
 */
export class TenantMismatchError extends Error {
  override readonly name = 'TenantMismatchError';
}

export class TenantBinding {
  private bound: string | undefined;

  /** Lambda's tenant and the authorizer's (undefined when the method has none) must agree. */
  static agree(contextTenant: string, authorizerTenant: string | undefined): void {
    if (authorizerTenant !== undefined && authorizerTenant !== contextTenant) {
      throw new TenantMismatchError(
        `Tenant isolation violated: the authorizer established tenant ${authorizerTenant}, Lambda routed ${contextTenant}`,
      );
    }
  }

  /** Both tenants agree, and they are the one the environment is bound to. */
  check(contextTenant: string, authorizerTenant: string | undefined): void {
    TenantBinding.agree(contextTenant, authorizerTenant);
    this.bound ??= contextTenant;
    if (this.bound !== contextTenant) {
      throw new TenantMismatchError(
        `Tenant isolation violated: environment bound to tenant ${this.bound} was asked to serve ${contextTenant}`,
      );
    }
  }
}
