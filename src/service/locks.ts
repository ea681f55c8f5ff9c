/**
 * Async locks by key: operations on one network or sandbox are serialized
 * (ARCHITECTURE.md §5). Several keys are taken in sorted order, so two
 * operations can never wait for each other in a cycle.
 */
/**
 * Held by everything that changes berth's nft table: network create/remove/
 * prune (each renders the whole table, published ports included) and
 * container operations that add or remove port elements — so a table render
 * never misses, or brings back, another operation's elements.
 */
export const FIREWALL_LOCK = 'firewall'

/** Runs under one async lock per key. */
export class KeyedLock {
  #tails = new Map<string, Promise<void>>()

  /** Runs `work` while holding every key. */
  async with<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
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
