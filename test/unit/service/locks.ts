import tap from 'tap'
import { KeyedLock } from '../../../src/service/locks.js'

/** A promise with its resolve function exposed. */
const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>(r => (resolve = r))
  return { promise, resolve }
}
/** Lets every queued microtask and a macrotask run. */
const settle = () => new Promise<void>(r => setImmediate(r))

tap.test('the same key serializes: the second waits for the first', async t => {
  const lock = new KeyedLock()
  const log: string[] = []
  const gate = deferred()
  const a = lock.with(['net:1'], async () => {
    log.push('a start')
    await gate.promise
    log.push('a end')
    return 'A'
  })
  const b = lock.with(['net:1'], async () => {
    log.push('b start')
    return 'B'
  })
  await settle()
  t.strictSame(log, ['a start'], 'b has not started while a holds the key')
  gate.resolve()
  t.strictSame(await Promise.all([a, b]), ['A', 'B'], 'results are returned')
  t.strictSame(log, ['a start', 'a end', 'b start'])
})

tap.test('waiters run in arrival order', async t => {
  const lock = new KeyedLock()
  const log: number[] = []
  const gate = deferred()
  const first = lock.with(['k'], () => gate.promise)
  const rest = [1, 2, 3, 4].map(i => lock.with(['k'], async () => void log.push(i)))
  await settle()
  t.strictSame(log, [])
  gate.resolve()
  await Promise.all([first, ...rest])
  t.strictSame(log, [1, 2, 3, 4])
})

tap.test('different keys run concurrently', async t => {
  const lock = new KeyedLock()
  const log: string[] = []
  const gate = deferred()
  const a = lock.with(['net:1'], async () => {
    log.push('a start')
    await gate.promise
  })
  const b = lock.with(['net:2'], async () => {
    log.push('b ran')
  })
  await b
  t.strictSame(log, ['a start', 'b ran'], 'b finished while a still holds its key')
  gate.resolve()
  await a
})

tap.test('multi-key acquisition in opposite orders cannot deadlock', async t => {
  const lock = new KeyedLock()
  const log: string[] = []
  for (let round = 0; round < 20; round++) {
    const ab = lock.with(['a', 'b'], async () => {
      log.push('ab in')
      await settle()
      log.push('ab out')
      return 'ab'
    })
    const ba = lock.with(['b', 'a'], async () => {
      log.push('ba in')
      await settle()
      log.push('ba out')
      return 'ba'
    })
    const timeout = new Promise<string>(r => setTimeout(() => r('deadlock'), 2000).unref())
    const result = await Promise.race([Promise.all([ab, ba]).then(r => r.join()), timeout])
    t.equal(result, 'ab,ba', `round ${round}`)
  }
  // the two never overlapped
  for (let i = 0; i < log.length; i += 2) t.equal(log[i]?.replace(' in', ''), log[i + 1]?.replace(' out', ''))
})

tap.test('overlapping key sets never run at the same time; duplicate keys are fine', async t => {
  const lock = new KeyedLock()
  const holders = new Map<string, number>()
  const violations: string[] = []
  let done = 0
  // deterministic pseudo-random key sets over 4 keys, many with duplicates
  const keySets = Array.from({ length: 60 }, (_, i) => ['a', 'b', 'c', 'd'].filter((_k, j) => ((i * 7 + 3) >> j) & 1).concat(i % 5 === 0 ? ['a'] : []))
  await Promise.all(
    keySets.map((keys, i) =>
      lock.with(keys, async () => {
        for (const k of new Set(keys)) {
          if (holders.get(k)) violations.push(`${i} entered ${k} while held`)
          holders.set(k, (holders.get(k) ?? 0) + 1)
        }
        await settle()
        for (const k of new Set(keys)) holders.set(k, (holders.get(k) ?? 0) - 1)
        done++
      }),
    ),
  )
  t.strictSame(violations, [])
  t.equal(done, 60)
  t.ok(keySets.some(k => k.length > 2), 'the fixture has multi-key sets')
})

tap.test('a multi-key holder blocks a single-key user of any of its keys', async t => {
  const lock = new KeyedLock()
  const log: string[] = []
  const gate = deferred()
  const a = lock.with(['x', 'y'], async () => {
    log.push('a')
    await gate.promise
  })
  await settle() // a now holds both keys
  const b = lock.with(['y'], async () => void log.push('b'))
  const c = lock.with(['x'], async () => void log.push('c'))
  const d = lock.with(['z'], async () => void log.push('d'))
  await settle()
  t.strictSame(log, ['a', 'd'])
  gate.resolve()
  await Promise.all([a, b, c, d])
  t.strictSame(log.slice(2).sort(), ['b', 'c'])
})

tap.test('a throwing work releases its keys', async t => {
  const lock = new KeyedLock()
  await t.rejects(
    lock.with(['k', 'j'], async () => {
      throw new Error('boom')
    }),
    { message: 'boom' },
  )
  await t.rejects(lock.with(['k'], () => Promise.reject(new Error('again'))), { message: 'again' })
  const timeout = new Promise<string>(r => setTimeout(() => r('still locked'), 1000).unref())
  t.equal(await Promise.race([lock.with(['k', 'j'], async () => 'free'), timeout]), 'free')
})

tap.test('an empty key list just runs the work', async t => {
  const lock = new KeyedLock()
  t.equal(await lock.with([], async () => 7), 7)
})

tap.test('exclusive: waits for keyed work in flight, goes before new keyed work, may take keys itself', async t => {
  const lock = new KeyedLock()
  const events: string[] = []
  let releaseA!: () => void
  const a = lock.with(['x'], async () => {
    events.push('a start')
    await new Promise<void>(r => (releaseA = r))
    events.push('a end')
  })
  await new Promise(r => setImmediate(r))
  const ex = lock.exclusive(async () => {
    events.push('exclusive start')
    await lock.with(['x', 'y'], async () => void events.push('nested keys'))
    await new Promise(r => setTimeout(r, 5))
    events.push('exclusive end')
    return 42
  })
  const b = lock.with(['z'], async () => void events.push('b'))
  await new Promise(r => setImmediate(r))
  t.same(events, ['a start'], 'neither the exclusive work nor a later keyed one starts while a runs')
  releaseA()
  t.equal(await ex, 42)
  await Promise.all([a, b])
  t.same(events, ['a start', 'a end', 'exclusive start', 'nested keys', 'exclusive end', 'b'])
})

tap.test('exclusive: one at a time, and a failure releases the gate', async t => {
  const lock = new KeyedLock()
  const events: string[] = []
  const first = lock.exclusive(async () => {
    events.push('1 start')
    await new Promise(r => setTimeout(r, 5))
    events.push('1 end')
    throw new Error('boom')
  })
  const second = lock.exclusive(async () => void events.push('2'))
  await t.rejects(first, /boom/)
  await second
  await lock.with(['k'], async () => void events.push('keyed'))
  t.same(events, ['1 start', '1 end', '2', 'keyed'])
})

tap.test('exclusive() from inside a keyed operation is refused, not a deadlock', async t => {
  const locks = new KeyedLock()
  await t.rejects(locks.with(['a'], () => locks.exclusive(async () => 1)), /would wait for itself/)
  t.equal(await locks.exclusive(async () => 2), 2, 'the lock still works afterwards')
})
