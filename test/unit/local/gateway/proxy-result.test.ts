import { describe, expect, it } from 'vitest';
import { toHttpAnswer } from '../../../../src/local/gateway/proxy-result.js';

describe('toHttpAnswer', () => {
  it('turns a proxy result into status, headers and body', () => {
    const answer = toHttpAnswer({
      statusCode: 201,
      headers: { 'Content-Type': 'application/json' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: '{"ok":true}',
    });

    expect(answer).toEqual({
      statusCode: 201,
      headers: { 'Content-Type': ['application/json'], 'Set-Cookie': ['a=1', 'b=2'] },
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('decodes a base64 body', () => {
    expect(toHttpAnswer({ statusCode: 200, body: 'aGk=', isBase64Encoded: true })?.body).toEqual(
      Buffer.from('hi'),
    );
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['no status code', { body: 'x' }],
    ['a status code out of range', { statusCode: 99 }],
    ['a non-string body', { statusCode: 200, body: { a: 1 } }],
    ['a header object value', { statusCode: 200, headers: { a: { b: 1 } } }],
    ['a multi-value header that is not a list', { statusCode: 200, multiValueHeaders: { a: 'b' } }],
  ])('rejects %s as malformed', (_label, result) => {
    expect(toHttpAnswer(result)).toBeUndefined();
  });
});
