import { BoundedCache } from '../../../src/lineage/analysis/bounded-cache.js';

describe('BoundedCache', () => {
  test('evicts the least recently used entry once the count is exceeded', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });

  test('bounds the total weight, evicting as many old entries as needed', () => {
    const cache = new BoundedCache<string, string>(10, (key) => key.length);
    cache.set('aaaa', 'x');
    cache.set('bbbb', 'y');
    cache.set('cccccc', 'z');
    expect([cache.get('aaaa'), cache.get('bbbb'), cache.get('cccccc')]).toEqual([undefined, 'y', 'z']);
    expect(cache.size).toBe(2);
  });

  test('does not keep an entry heavier than the whole budget, and keeps the others', () => {
    const cache = new BoundedCache<string, string>(5, (key) => key.length);
    cache.set('ab', 'kept');
    cache.set('abcdefgh', 'too big');
    expect([cache.get('ab'), cache.get('abcdefgh')]).toEqual(['kept', undefined]);
  });

  test('replacing a key counts its weight once', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    cache.set('b', 3);
    expect([cache.get('a'), cache.get('b'), cache.size]).toEqual([2, 3, 2]);
  });

  test('an entry read since it was last passed over gets a second chance; the entry just set is kept', () => {
    const cache = new BoundedCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.get('a');
    cache.get('b');
    cache.get('c');
    // Every old entry was read: one of them goes (the oldest, once its mark is spent), never 'd'.
    cache.set('d', 4);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([undefined, 2, 3, 4]);
    // b, c and d were all read just now: the oldest of them goes once its mark is spent.
    cache.set('e', 5);
    expect([cache.get('b'), cache.get('c'), cache.get('d'), cache.get('e')]).toEqual([undefined, 3, 4, 5]);
  });
});
