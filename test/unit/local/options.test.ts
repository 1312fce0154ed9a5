import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/build.js';
import { flagsSection, flagsTable } from '../../../scripts/lib/flags-table.js';
import { FLAGS, OptionsError, parseOptions, USAGE } from '../../../src/local/options.js';

describe('parseOptions', () => {
  it('defaults to port 3000, stage dev, data in .local and the Terraform function defaults', () => {
    expect(parseOptions([], {})).toMatchObject({
      port: 3000,
      stage: 'dev',
      dataDir: '.local',
      functionsDir: undefined,
      timeoutMs: 10_000,
      integrationTimeoutMs: 29_000,
      memoryMb: 256,
      maxEnvironments: 64,
    });
  });

  it('throttles like the Terraform stage by default, and not at all with a rate or burst of 0', () => {
    expect(parseOptions([], {}).throttle).toEqual({ rate: 50, burst: 100 });
    expect(parseOptions(['--throttle-rate', '0.5', '--throttle-burst', '0'], {}).throttle).toEqual({
      rate: 0.5,
      burst: 0,
    });
  });

  it.each([
    [['--throttle-rate', '-1']],
    [['--throttle-rate', 'fast']],
    [['--throttle-burst', '1.5']],
  ])('refuses the throttling flags %j', (argv) => {
    expect(() => parseOptions(argv, {})).toThrow(OptionsError);
  });

  it('takes the port from PORT unless --port is given', () => {
    expect(parseOptions([], { PORT: '8080' }).port).toBe(8080);
    expect(parseOptions(['--port', '0'], { PORT: '8080' }).port).toBe(0);
  });

  it('keeps the store in memory with --in-memory', () => {
    expect(parseOptions(['--in-memory'], {}).dataDir).toBeUndefined();
  });

  it.each([
    [['--port', '70000']],
    [['--port', '1.5']],
    [['--port', '']],
    [['--memory', '64']],
    [['--timeout', 'soon']],
    [['--max-environments', '0']],
    [['--stage', '']],
    [['--unknown']],
    [['positional']],
    [['--in-memory', '--data-dir', 'x']],
  ])('refuses %j with an OptionsError', (argv) => {
    expect(() => parseOptions(argv, {})).toThrow(OptionsError);
  });
});

describe('parseOptions for the authorizer and the store endpoint', () => {
  it('runs the tenant id authorizer with a 300 s cache by default, like variables.tf', () => {
    expect(parseOptions([], {})).toMatchObject({
      authorizer: true,
      authorizerCacheTtlMs: 60_000,
      identity: 'header',
      tenantScopedCredentials: true,
      storeEndpoint: undefined,
    });
  });

  it('maps the raw header with --no-authorizer', () => {
    expect(parseOptions(['--no-authorizer', '--no-tenant-scoped-credentials'], {}).authorizer).toBe(
      false,
    );
  });

  it('takes tenants from tokens with --identity jwt', () => {
    expect(parseOptions(['--identity', 'jwt'], {})).toMatchObject({
      identity: 'jwt',
      authorizer: true,
    });
  });

  it('allows a long cache TTL once the credentials are not brokered', () => {
    const argv = ['--authorizer-cache-ttl', '3600', '--no-tenant-scoped-credentials'];
    expect(parseOptions(argv, {}).authorizerCacheTtlMs).toBe(3_600_000);
  });

  it('turns the authorizer cache off with --authorizer-cache-ttl 0', () => {
    expect(parseOptions(['--authorizer-cache-ttl', '0'], {}).authorizerCacheTtlMs).toBe(0);
  });

  it('uses an external store with --store-endpoint, and no data directory', () => {
    expect(parseOptions(['--store-endpoint', 'http://127.0.0.1:8000/'], {})).toMatchObject({
      storeEndpoint: 'http://127.0.0.1:8000',
      dataDir: undefined,
    });
  });

  it.each([
    [['--authorizer-cache-ttl', '3601']],
    [['--authorizer-cache-ttl', '1.5']],
    [['--no-authorizer', '--authorizer-cache-ttl', '10']],
    [['--store-endpoint', 'localhost:8000']],
    [['--store-endpoint', 'http://127.0.0.1:8000', '--data-dir', 'x']],
    [['--store-endpoint', 'http://127.0.0.1:8000', '--in-memory']],
    [['--identity', 'oauth']],
    [['--identity', 'jwt', '--no-authorizer', '--no-tenant-scoped-credentials']],
    // The authorizer brokers tenant credentials: main.tf refuses the same combination.
    [['--no-authorizer']],
    // Credentials must outlast a cached answer plus a function run, within one hour.
    [['--authorizer-cache-ttl', '1800', '--timeout', '1']],
  ])('refuses %j with an OptionsError', (argv) => {
    expect(() => parseOptions(argv, {})).toThrow(OptionsError);
  });
});

describe('the flag documentation', () => {
  it('lists in the README exactly the flags --help lists, with the same words', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

    expect(flagsSection(readme)).toBe(flagsTable());
  });

  it('lists every flag in --help, the ones for tests in a section of their own', () => {
    const [everyday, forTests] = USAGE.split('For tests and fault injection:');
    for (const doc of FLAGS) {
      expect(doc.forTests === undefined ? everyday : forTests).toContain(`--${doc.flag}`);
    }
  });

  it('refuses a flag that is not documented', () => {
    expect(() => parseOptions(['--max-starting', '2'], {})).toThrow(OptionsError);
  });
});
