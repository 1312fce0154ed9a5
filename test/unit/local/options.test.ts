import { describe, expect, it } from 'vitest';
import { OptionsError, parseOptions } from '../../../src/local/options.js';

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
