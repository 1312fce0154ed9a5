import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../../src/local/gateway/routes.js';

describe('matchRoute', () => {
  it.each([
    ['GET', '/dev/standard', { kind: 'invoke', functionKey: 'standard', resource: '/standard' }],
    ['GET', '/dev/isolated', { kind: 'invoke', functionKey: 'isolated', resource: '/isolated' }],
    ['OPTIONS', '/dev/isolated', { kind: 'cors', resource: '/isolated' }],
    ['POST', '/dev/standard', { kind: 'no-route' }],
    ['HEAD', '/dev/standard', { kind: 'no-route' }],
    ['GET', '/dev/Standard', { kind: 'no-route' }],
    // One trailing slash reaches the resource, as in API Gateway REST; two do not.
    ['GET', '/dev/standard/', { kind: 'invoke', functionKey: 'standard', resource: '/standard' }],
    ['GET', '/dev/isolated/', { kind: 'invoke', functionKey: 'isolated', resource: '/isolated' }],
    ['OPTIONS', '/dev/isolated/', { kind: 'cors', resource: '/isolated' }],
    ['POST', '/dev/isolated/', { kind: 'no-route' }],
    ['GET', '/dev/isolated//', { kind: 'no-route' }],
    ['GET', '/dev/Isolated/', { kind: 'no-route' }],
    ['GET', '/dev/', { kind: 'no-route' }],
    ['GET', '/dev//', { kind: 'no-route' }],
    ['GET', '/dev/standard/extra/', { kind: 'no-route' }],
    ['GET', '/dev', { kind: 'no-route' }],
    ['GET', '/prod/standard', { kind: 'unknown-stage' }],
    ['GET', '/devx/standard', { kind: 'unknown-stage' }],
    ['GET', '/', { kind: 'unknown-stage' }],
  ])('routes %s %s', (method, path, expected) => {
    expect(matchRoute(method, path, 'dev')).toEqual(expected);
  });
});
