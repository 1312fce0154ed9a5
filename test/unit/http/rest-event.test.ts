import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { restEvent } from '../../../scripts/lib/lambda-fixtures.js';
import { BadRequestError } from '../../../src/http/errors.js';
import { isRestProxyEvent, singleHeader } from '../../../src/http/rest-event.js';

describe('isRestProxyEvent', () => {
  it('accepts a REST API proxy event', () => {
    expect(isRestProxyEvent(restEvent())).toBe(true);
  });

  it('accepts an event whose header maps are null (no headers sent)', () => {
    expect(isRestProxyEvent({ ...restEvent(), headers: null, multiValueHeaders: null })).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'GET /standard'],
    ['an array', [restEvent()]],
    ['an empty object', {}],
    ['an HTTP API (payload 2.0) event', { ...restEvent(), version: '2.0' }],
    ['an event without httpMethod', { ...restEvent(), httpMethod: undefined }],
    ['an event without requestContext', { ...restEvent(), requestContext: undefined }],
    ['an event with a string for headers', { ...restEvent(), headers: 'x-tenant-id: a' }],
  ])('refuses %s', (_label, event) => {
    expect(isRestProxyEvent(event)).toBe(false);
  });
});

describe('singleHeader', () => {
  it.each(['x-tenant-id', 'X-Tenant-Id', 'X-TENANT-ID'])('finds the header sent as %s', (name) => {
    expect(singleHeader(restEvent({ headers: { [name]: 'Tenant-1' } }), 'x-tenant-id')).toBe(
      'Tenant-1',
    );
  });

  it('returns undefined when the header is absent', () => {
    expect(singleHeader(restEvent(), 'x-tenant-id')).toBeUndefined();
  });

  it('reads the single-value map when the multi-value map is missing', () => {
    const event = { ...restEvent(), headers: { 'x-tenant-id': 'a' }, multiValueHeaders: null };
    // Direct invokes and some test tools send no multi-value map; the type says it is always there.
    expect(singleHeader(event as unknown as APIGatewayProxyEvent, 'x-tenant-id')).toBe('a');
  });

  it('refuses a header sent twice', () => {
    expect(() =>
      singleHeader(restEvent({ headers: { 'x-tenant-id': ['a', 'b'] } }), 'x-tenant-id'),
    ).toThrow(BadRequestError);
  });

  it('refuses the same header under two letter cases', () => {
    expect(() =>
      singleHeader(
        restEvent({ headers: { 'x-tenant-id': 'a', 'X-Tenant-Id': 'b' } }),
        'x-tenant-id',
      ),
    ).toThrow(/once/);
  });
});
