import { BadRequestError } from '../http/errors.js';

/**
 * The product's tenant id policy (docs/architecture.md, "Tenant id policy").
 *
 * Lambda itself accepts 1–256 characters from `[a-zA-Z0-9._:/=+\-@ ]` for a tenant id; an
 * invoke with anything else fails inside AWS. Ours is a strict subset of that set — no
 * spaces, no slashes, at most 128 characters, starting with a letter or digit — so every id
 * we accept is also a valid IAM session-tag value (`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`, at most 256:
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_Tag.html) and cannot be confused
 * with a path.
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:=+@-]{0,127}$/;

/** The policy in words, without naming where the id comes from (a header or a token claim). */
export const TENANT_ID_FORMAT =
  '1-128 characters from letters, digits and . _ : = + @ -, starting with a letter or digit';

export const TENANT_ID_RULE = `x-tenant-id must be ${TENANT_ID_FORMAT}`;

export class InvalidTenantIdError extends BadRequestError {
  override readonly name = 'InvalidTenantIdError';
  constructor() {
    super(`Invalid tenant id: ${TENANT_ID_RULE}`, 'InvalidTenantId');
  }
}

export class MissingTenantIdError extends BadRequestError {
  override readonly name = 'MissingTenantIdError';
  constructor() {
    super('Missing tenant id: send the x-tenant-id header', 'MissingTenantId');
  }
}

export const isValidTenantId = (value: unknown): value is string =>
  typeof value === 'string' && TENANT_ID_PATTERN.test(value);

/**
 * Returns the id unchanged when it meets the policy. Absent (undefined/null) → MissingTenantId;
 * anything else that fails the pattern (empty, too long, forbidden characters) → InvalidTenantId.
 */
export const parseTenantId = (value: unknown): string => {
  if (value === undefined || value === null) throw new MissingTenantIdError();
  if (!isValidTenantId(value)) throw new InvalidTenantIdError();
  return value;
};
