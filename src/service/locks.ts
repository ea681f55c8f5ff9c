/**
 * Async locks by key: operations on one network or sandbox are serialized
 * (ARCHITECTURE.md §5). Several keys are taken in sorted order, so two
 * operations can never wait for each other in a cycle.
 *
 * Every keyed operation also holds a shared gate, which `exclusive()` takes
 * alone: an on-demand reconcile or a reset sees no operation half-way.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Held by everything that changes berth's nft table: network create/remove/
 * prune (each renders the whole table, published ports included) and
 * container operations that add or remove port elements — so a table render
 * never misses, or brings back, another operation's elements.
 */
export const FIREWALL_LOCK = 'firewall'

/** Shared/exclusive gate; a waiting exclusive holder goes before new shared ones. */
class Gate {
  #shared = 0
  #exclusive: Promise<void> | undefined
  #drained: (() => void) | undefined

  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.#exclusive) await this.#exclusive
    this.#shared++
    try {
      return await work()
    } finally {
      if (--this.#shared === 0) this.#drained?.()
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.#exclusive) await this.#exclusive
    let done!: () => void
    this.#exclusive = new Promise<void>(resolve => (done = resolve))
    try {
      if (this.#shared > 0) await new Promise<void>(resolve => (this.#drained = resolve))
      this.#drained = undefined
      return await work()
    } finally {
      this.#exclusive = undefined
      done()
    }
  }
}

/** Runs under one async lock per key. */
export class KeyedLock {
  #tails = new Map<string, Promise<void>>()
  #gate = new Gate()
  /** Set inside a keyed operation: a nested `with` must not queue behind an exclusive waiter. */
  #inside = new AsyncLocalStorage<true>()

  /**
   * Runs `work` alone: after every keyed operation in flight, before any new
   * one (it may take keys itself). Not from inside a keyed operation: that
   * would wait for itself.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#inside.getStore()) return Promise.reject(new Error('KeyedLock.exclusive() inside a locked operation would wait for itself'))
    return this.#gate.exclusive(() => this.#inside.run(true, work))
  }

  /**
   * Runs `work` while holding every key. Nested inside another keyed
   * operation (or an exclusive one) it takes its keys without the gate: keys
   * nested that way must sort after those already held.
   */
  async with<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    if (this.#inside.getStore()) return this.#withKeys(keys, work)
    return this.#gate.shared(() => this.#inside.run(true, () => this.#withKeys(keys, work)))
  }

  async #withKeys<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort()
    const releases: (() => void)[] = []
    try {
      for (const key of sorted) releases.push(await this.#acquire(key))
      return await work()
    } finally {
      for (const release of releases.reverse()) release()
    }
  }

  async #acquire(key: string): Promise<() => void> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>(resolve => (release = resolve))
    const tail = previous.then(() => mine)
    this.#tails.set(key, tail)
    await previous
    return () => {
      release()
      if (this.#tails.get(key) === tail) this.#tails.delete(key)
    }
  }
}
