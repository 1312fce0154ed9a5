import { describe, expect, it } from 'vitest';
import { IdleSet } from '../../../../src/local/lambda/idle-set.js';

describe('IdleSet', () => {
  it('hands out only items of the asked key, most recently used first', () => {
    const idle = new IdleSet<string>();
    idle.add('tenant-a', 'a1', 1);
    idle.add('tenant-b', 'b1', 2);
    idle.add('tenant-a', 'a2', 3);

    expect(idle.takeForKey('tenant-a')).toBe('a2');
    expect(idle.takeForKey('tenant-a')).toBe('a1');
    expect(idle.takeForKey('tenant-a')).toBeUndefined();
    expect(idle.size).toBe(1);
  });

  it('gives up the least recently used item of any key for eviction', () => {
    const idle = new IdleSet<string>();
    idle.add('a', 'a1', 1);
    idle.add('b', 'b1', 2);
    idle.add('a', 'a1', 3);

    expect(idle.takeOldest()).toBe('b1');
    expect(idle.takeOldest()).toBe('a1');
    expect(idle.takeOldest()).toBeUndefined();
  });

  it('returns the items idle since before a cutoff and keeps the rest', () => {
    const idle = new IdleSet<string>();
    idle.add('a', 'old', 10);
    idle.add('b', 'young', 50);

    expect(idle.takeIdleSince(20)).toEqual(['old']);
    expect(idle.takeForKey('b')).toBe('young');
  });

  it('forgets a removed item everywhere', () => {
    const idle = new IdleSet<string>();
    idle.add('a', 'a1', 1);

    expect(idle.remove('a1')).toBe(true);
    expect(idle.takeForKey('a')).toBeUndefined();
    expect(idle.takeOldest()).toBeUndefined();
  });
});
