import { describe, expect, it } from 'vitest';
import { isRestProxyEvent } from '../../../../src/http/rest-event.js';
import {
  buildProxyEvent,
  clfTime,
  proxyHeaderMaps,
} from '../../../../src/local/gateway/proxy-event.js';

const settings = {
  stage: 'dev',
  resource: '/isolated',
  requestId: 'req-1',
  nowMs: Date.UTC(2026, 3, 9, 12, 34, 56),
  accountId: '123456789012',
  apiId: 'local000000',
};

describe('buildProxyEvent', () => {
  const event = buildProxyEvent(
    {
      method: 'GET',
      path: '/dev/isolated',
      query: 'a=1&a=2&b=x',
      rawHeaders: ['Host', '127.0.0.1:3000', 'X-Tenant-Id', 'T1', 'x-tenant-id', 'T2'],
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
    },
    settings,
  );

  it('builds an event the handlers accept as a REST proxy event', () => {
    expect(isRestProxyEvent(event)).toBe(true);
  });

  it('keeps the stage out of path and in requestContext.path', () => {
    expect(event.path).toBe('/isolated');
    expect(event.requestContext.path).toBe('/dev/isolated');
    expect(event.requestContext.stage).toBe('dev');
    expect(event.resource).toBe('/isolated');
  });

  it('carries repeated headers in multiValueHeaders and the last one in headers', () => {
    expect(event.headers['X-Tenant-Id']).toBe('T2');
    expect(event.multiValueHeaders['X-Tenant-Id']).toEqual(['T1', 'T2']);
  });

  it('parses the query string like API Gateway', () => {
    expect(event.queryStringParameters).toEqual({ a: '2', b: 'x' });
    expect(event.multiValueQueryStringParameters).toEqual({ a: ['1', '2'], b: ['x'] });
  });

  it('has a null body when none was sent', () => {
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('stamps the request time in CLF', () => {
    expect(event.requestContext.requestTime).toBe('09/Apr/2026:12:34:56 +0000');
    expect(clfTime(0)).toBe('01/Jan/1970:00:00:00 +0000');
  });
});

describe('proxyHeaderMaps', () => {
  it('is empty for no headers', () => {
    expect(proxyHeaderMaps([])).toEqual({ single: {}, multi: {} });
  });
});

describe('proxyHeaderMaps with names that are Object.prototype members', () => {
  it.each(['constructor', 'valueOf', '__proto__', 'toString'])(
    'keeps a header named %s as an ordinary entry',
    (name) => {
      const { single, multi } = proxyHeaderMaps([name, 'a', name, 'b']);

      expect(Object.entries(single)).toEqual([[name, 'b']]);
      expect(Object.entries(multi)).toEqual([[name, ['a', 'b']]]);
    },
  );
});
