/**
 * RoleSessionName for a tenant's assumed-role session. STS allows 2–64 characters of
 * `[\w+=,.@-]`; our tenant ids may also hold `:`, so anything outside that set becomes `-`.
 * The name only labels the session in CloudTrail; the tenant itself travels as a session tag.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export const tenantSessionName = (tenantId: string): string =>
  `tenant-${tenantId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
