/**
 * Tenant credentials, brokered by the authorizer: AssumeRole on the tenant data role with the
 * session tag `tenant_id = <tenant>`, whose policy allows only `dynamodb:LeadingKeys =
 * TENANT#${aws:PrincipalTag/tenant_id}`. The authorizer runs no tenant code and hands these
 * credentials to the tenant's environment in its answer's context, so an isolated environment
 * never holds credentials that could be tagged for another tenant.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
 *
 * API Gateway caches the answer, credentials included, for the authorizer's TTL, and the
 * function may run for its timeout after that: every credential handed out must stay valid for
 * `minValiditySeconds` (TTL + function timeout; main.tf checks it fits in the session). One
 * session per tenant is reused while it does, so a tenant with many tokens costs one AssumeRole
 * per session, not one per token.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { tenantSessionName } from '../domain/session-name.js';

/** The session tag IAM reads as `aws:PrincipalTag/tenant_id` (main.tf: local.tenant_tag_key). */
export const TENANT_TAG_KEY = 'tenant_id';

/** What the authorizer puts in its context: string values only, as API Gateway passes them on. */
export interface TenantCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601. */
  expiration: string;
}

export interface TenantCredentialBrokerSettings {
  roleArn: string;
  /** AssumeRole DurationSeconds. Role chaining caps it at 3600. */
  sessionSeconds: number;
  /** How long a credential must stay valid once handed out. */
  minValiditySeconds: number;
}

/**
 * Tenant sessions one authorizer environment keeps at most. In header mode anyone can name new
 * tenant ids; without a bound a stream of them would grow the map for the environment's life.
 * Beyond it the least recently used session goes (a later request for it assumes anew).
 */
export const MAX_CACHED_SESSIONS = 10_000;

export class TenantCredentialBroker {
  /** Map order is use order: the first entry is the least recently used. */
  private readonly sessions = new Map<string, Promise<TenantCredentials>>();

  constructor(
    private readonly sts: STSClient,
    private readonly settings: TenantCredentialBrokerSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Credentials of a session tagged with `tenantId`, valid for at least minValiditySeconds. */
  async credentialsFor(tenantId: string): Promise<TenantCredentials> {
    const cached = this.sessions.get(tenantId);
    if (cached !== undefined) {
      const credentials = await cached.catch(() => undefined);
      const left = credentials === undefined ? 0 : Date.parse(credentials.expiration) - this.now();
      if (credentials !== undefined && left >= this.settings.minValiditySeconds * 1000) {
        // Mark it recently used.
        if (this.sessions.get(tenantId) === cached) {
          this.sessions.delete(tenantId);
          this.sessions.set(tenantId, cached);
        }
        return credentials;
      }
    }
    let pending = this.sessions.get(tenantId);
    // Unless a concurrent caller has already started the next session, start it.
    if (pending === undefined || pending === cached) {
      const assumed = this.assume(tenantId);
      // A failed call is not kept: the next request tries again.
      assumed.catch(() => {
        if (this.sessions.get(tenantId) === assumed) this.sessions.delete(tenantId);
      });
      this.sessions.delete(tenantId);
      this.sessions.set(tenantId, assumed);
      while (this.sessions.size > MAX_CACHED_SESSIONS) {
        const oldest = this.sessions.keys().next();
        if (oldest.done === true) break;
        this.sessions.delete(oldest.value);
      }
      pending = assumed;
    }
    return pending;
  }

  private async assume(tenantId: string): Promise<TenantCredentials> {
    const { Credentials: credentials } = await this.sts.send(
      new AssumeRoleCommand({
        RoleArn: this.settings.roleArn,
        RoleSessionName: tenantSessionName(tenantId),
        DurationSeconds: this.settings.sessionSeconds,
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
      expiration: credentials.Expiration.toISOString(),
    };
  }
}
