/**
 * A tiny bounded LRU cache on a `Map` (a Map iterates in insertion order, so the
 * first key is the least recently used one). `get` and `set` are O(1).
 *
 * Values must not be `undefined` (`get` uses `undefined` for "absent").
 *
 * @example
 * const cache = new Lru<string, number>(2)
 * cache.set('a', 1).set('b', 2)
 * cache.get('a') // 1, and 'a' is now the most recent
 * cache.set('c', 3) // evicts 'b'
 */
export class Lru<K, V> {
  readonly #map = new Map<K, V>()
  readonly maxEntries: number

  /** @param maxEntries most entries kept; a positive integer. */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`Lru: maxEntries must be a positive integer, got ${maxEntries}`)
    }
    this.maxEntries = maxEntries
  }

  get size(): number {
    return this.#map.size
  }

  /** The value, made most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value !== undefined) {
      this.#map.delete(key)
      this.#map.set(key, value)
    }
    return value
  }

  /** The value without changing its recency. */
  peek(key: K): V | undefined {
    return this.#map.get(key)
  }

  has(key: K): boolean {
    return this.#map.has(key)
  }

  /** Stores `value` as the most recent entry, evicting the least recent when full. */
  set(key: K, value: V): this {
    if (this.#map.has(key)) {
      this.#map.delete(key)
    } else if (this.#map.size >= this.maxEntries) {
      const oldest = this.#map.keys().next()
      if (!oldest.done) this.#map.delete(oldest.value)
    }
    this.#map.set(key, value)
    return this
  }

  delete(key: K): boolean {
    return this.#map.delete(key)
  }

  clear(): void {
    this.#map.clear()
  }
}
