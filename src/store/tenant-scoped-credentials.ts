import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { tenantSessionName } from '../domain/session-name.js';

/** The session tag IAM reads as `aws:PrincipalTag/tenant_id` (main.tf: local.tenant_tag_key). */
export const TENANT_TAG_KEY = 'tenant_id';

/** Role sessions last an hour (the role's max); refresh when less than five minutes remain. */
export const SESSION_SECONDS = 3600;
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * An execution environment served a second tenant. PER_TENANT makes that impossible; if it ever
 * happens we refuse the request (a 500) rather than write with the first tenant's credentials.
 */
export class TenantMismatchError extends Error {
  override readonly name = 'TenantMismatchError';
  constructor(bound: string, requested: string) {
    super(
      `Tenant isolation violated: environment bound to tenant ${bound} was asked to serve ${requested}`,
    );
  }
}

/**
 * Credentials scoped to one tenant: AssumeRole on the tenant data role with the session tag
 * `tenant_id = <tenant>`, whose policy only allows `dynamodb:LeadingKeys = TENANT#<tag>`. So IAM,
 * not only our code, keeps a tenant's environment on that tenant's row.
 *
 * Under PER_TENANT an environment only ever serves one tenant, so the first invocation binds
 * the environment to its tenant (the id is unknown at init) and the credentials are fetched
 * once and cached for the environment's life, refreshed shortly before they expire.
 */
export class TenantScopedCredentials {
  private tenantId: string | undefined;
  private cached: TemporaryCredentials | undefined;
  private inFlight: Promise<TemporaryCredentials> | undefined;

  constructor(
    private readonly sts: STSClient,
    private readonly roleArn: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Binds the environment to `tenantId` on first use; refuses any other tenant afterwards. */
  bind(tenantId: string): void {
    if (this.tenantId === undefined) this.tenantId = tenantId;
    else if (this.tenantId !== tenantId) throw new TenantMismatchError(this.tenantId, tenantId);
  }

  /** A credential provider for the SDK: `new DynamoDBClient({ credentials: scoped.provide })`. */
  readonly provide = async (): Promise<TemporaryCredentials> => {
    if (this.cached && this.cached.expiration.getTime() - this.now() > REFRESH_MARGIN_MS) {
      return this.cached;
    }
    this.inFlight ??= this.assume().finally(() => {
      this.inFlight = undefined;
    });
    this.cached = await this.inFlight;
    return this.cached;
  };

  private async assume(): Promise<TemporaryCredentials> {
    const tenantId = this.tenantId;
    if (tenantId === undefined) throw new Error('No tenant bound to this environment yet');
    const { Credentials: credentials } = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: this.roleArn,
        RoleSessionName: tenantSessionName(tenantId),
        DurationSeconds: SESSION_SECONDS,
        Tags: [{ Key: TENANT_TAG_KEY, Value: tenantId }],
      }),
    );
    if (
      !credentials?.AccessKeyId ||
      !credentials.SecretAccessKey ||
      !credentials.SessionToken ||
      !credentials.Expiration
    ) {
      throw new Error('AssumeRole returned no credentials');
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  }
}
