import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestHash } from '../../src/app/checkout/request-hash.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('requestHash', () => {
  it('hashes the canonical JSON: keys sorted, no white space', () => {
    expect(requestHash({ b: [1, 'x', null, true], a: { d: 2, c: 'é' } })).toBe(
      sha256('{"a":{"c":"é","d":2},"b":[1,"x",null,true]}'),
    );
  });

  it.each([
    [1, '1'],
    ['a"b', '"a\\"b"'],
    [null, 'null'],
    [false, 'false'],
    [[], '[]'],
    [{}, '{}'],
    [[[1, 2], [3]], '[[1,2],[3]]'],
    [{ 'a"': 1 }, '{"a\\"":1}'],
  ])('hashes %j as %s', (value, canonical) => {
    expect(requestHash(value)).toBe(sha256(canonical));
  });

  it('does not depend on the order of keys, at any depth', () => {
    const one = requestHash({ a: 1, b: 2, c: { x: 1, y: [{ p: 1, q: 2 }] }, d: 4 });
    expect(requestHash({ d: 4, c: { y: [{ q: 2, p: 1 }], x: 1 }, b: 2, a: 1 })).toBe(one);
    expect(requestHash({ c: { x: 1, y: [{ p: 1, q: 2 }] }, a: 1, d: 4, b: 2 })).toBe(one);
    expect(requestHash({ b: 2, d: 4, a: 1, c: { x: 1, y: [{ p: 1, q: 2 }] } })).toBe(one);
    expect(one).toBe(sha256('{"a":1,"b":2,"c":{"x":1,"y":[{"p":1,"q":2}]},"d":4}'));
  });

  it('sorts keys by code unit, upper case before lower case', () => {
    expect(requestHash({ b: 1, B: 2, a: 3, aa: 4 })).toBe(sha256('{"B":2,"a":3,"aa":4,"b":1}'));
  });

  it('leaves out undefined fields, but not null ones', () => {
    expect(requestHash({ a: 1, coupon: undefined })).toBe(requestHash({ a: 1 }));
    expect(requestHash({ a: 1, coupon: null })).not.toBe(requestHash({ a: 1 }));
  });

  it('tells apart any change of a value, of array order, and of type', () => {
    const base = requestHash({
      items: [
        { id: 'a', qty: 1 },
        { id: 'b', qty: 2 },
      ],
    });
    expect(
      requestHash({
        items: [
          { id: 'b', qty: 2 },
          { id: 'a', qty: 1 },
        ],
      }),
    ).not.toBe(base);
    expect(
      requestHash({
        items: [
          { id: 'a', qty: 1 },
          { id: 'b', qty: 3 },
        ],
      }),
    ).not.toBe(base);
    expect(requestHash({ items: [{ id: 'a', qty: 1 }] })).not.toBe(base);
    expect(requestHash({ n: 1 })).not.toBe(requestHash({ n: '1' }));
    expect(requestHash({ n: [] })).not.toBe(requestHash({ n: {} }));
  });
});
