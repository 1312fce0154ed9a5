import { describe, expect, it } from 'vitest';
import {
  InvalidTenantIdError,
  isValidTenantId,
  MissingTenantIdError,
  parseTenantId,
  TENANT_ID_PATTERN,
} from '../../../src/domain/tenant-id.js';

describe('parseTenantId', () => {
  it.each([
    'Tenant-1',
    'a',
    '0',
    'SHARED',
    'acme.corp',
    'org:team=blue+1@example',
    'x'.repeat(128),
    'A_b-C.d',
  ])('accepts %j', (id) => {
    expect(parseTenantId(id)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['129 characters', 'x'.repeat(129)],
    ['10 KB', 'x'.repeat(10_240)],
    ['a leading dash', '-tenant'],
    ['a leading dot', '.tenant'],
    ['a slash', 'tenant/1'],
    ['a space', 'tenant 1'],
    ['a leading space', ' tenant'],
    ['a tab', 'tenant\t1'],
    ['a newline', 'tenant\n1'],
    ['a hash', 'TENANT#x'],
    ['unicode', 'tenänt'],
    ['an emoji', 'tenant-🙂'],
    ['JSON', '{"tenant":"1"}'],
    ['SQL-ish', "1' OR '1'='1"],
    ['a comma', 'a,b'],
    ['a star', 'tenant*'],
  ])('refuses %s with InvalidTenantId', (_label, id) => {
    expect(() => parseTenantId(id)).toThrow(InvalidTenantIdError);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
  ])('refuses %s with MissingTenantId', (_label, value) => {
    expect(() => parseTenantId(value)).toThrow(MissingTenantIdError);
  });

  it('refuses a non-string value', () => {
    expect(() => parseTenantId(42)).toThrow(InvalidTenantIdError);
  });

  it('answers with a 400 that names the rule', () => {
    const error = new InvalidTenantIdError();
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('InvalidTenantId');
    expect(error.message).toContain('1-128 characters');
  });
});

describe('TENANT_ID_PATTERN', () => {
  // Lambda's own rule for tenant ids (docs/architecture.md, "Tenant id policy"): 1–256
  // characters of [a-zA-Z0-9._:/=+\-@ ].
  const lambdaAccepts = (id: string) => /^[a-zA-Z0-9._:/=+\-@ ]{1,256}$/.test(id);
  // STS session tag values: [\p{L}\p{Z}\p{N}_.:/=+\-@]*, at most 256 (API_Tag).
  const sessionTagAccepts = (id: string) => /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u.test(id);

  it('only accepts ids Lambda and STS session tags also accept', () => {
    const alphabet = [...'aZ09._:/=+-@ #\t\nä,*'];
    for (const first of alphabet) {
      for (const second of alphabet) {
        const id = `${first}${second}`;
        if (isValidTenantId(id)) {
          expect(lambdaAccepts(id)).toBe(true);
          expect(sessionTagAccepts(id)).toBe(true);
        }
      }
    }
    expect(TENANT_ID_PATTERN.test('x'.repeat(128))).toBe(true);
    expect(lambdaAccepts('x'.repeat(128))).toBe(true);
  });
});
