/**
 * The long concurrency run (issue 6): C clients × N seeded pseudo-random
 * mixed operations at once through the HTTP API (default 50 × 1000; see
 * test/helpers/mixed-load.ts), then the same checks as
 * test/e2e/concurrency-mixed.ts (10 × 100): no deadlock, only expected
 * errors, no lost update, state and kernel agree, everything removable.
 *
 *   sudo node dist/scripts/concurrency-long.js [--clients C] [--ops N] [--seed S] [--keep]
 *
 * Prints `C clients × N operations, all agreed` (exit 0) or every failure (exit 1).
 */
import { disagreements } from '../test/helpers/agree.js'
import { Api, removeAll } from '../test/helpers/api.js'
import { mixedLoad } from '../test/helpers/mixed-load.js'
import { World } from '../test/helpers/world.js'
import { longRunOptions } from './long-run.js'

const main = async () => {
  const o = longRunOptions('concurrency-long', { clients: { default: 50, min: 1 }, ops: { default: 1000, min: 1 } }, 'BERTH_LOAD_SEED')
  const clients = o.counts.clients ?? 50
  const ops = o.counts.ops ?? 1000
  const w = new World()
  const started = Date.now()
  const failures: string[] = []
  try {
    await w.start(['--log-level', 'info'])
    process.stderr.write(`concurrency-long: seed ${o.seed}, ${clients} clients × ${ops} operations, world ${w.dir}\n`)
    // A deadline that grows with the work: a deadlock still ends the run.
    const r = await mixedLoad(w, { clients, ops, seed: o.seed, timeoutMs: 60_000 + clients * ops * 20 })
    process.stderr.write(`${r.requests} requests in ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(r.answers)}\n`)
    failures.push(...r.failures)
    const api = new Api(w.socket)
    failures.push(...(await disagreements(w, api)).map(f => `after the load: ${f}`))
    failures.push(...(await removeAll(api)))
    failures.push(...(await disagreements(w, api)).map(f => `after removing everything: ${f}`))
    api.close()
  } finally {
    if (o.keep) {
      await w.stop()
      process.stderr.write(`kept ${w.dir} and netns ${w.host}, daemon stopped (log: ${w.dir}/berthd.log)\n`)
    } else await w.destroy()
  }
  if (failures.length === 0) process.stdout.write(`${clients} clients × ${ops} operations, all agreed (seed ${o.seed})\n`)
  else {
    process.stdout.write(`${failures.length} failure(s) (seed ${o.seed}):\n${failures.join('\n')}\n`)
    process.exitCode = 1
  }
}

await main()
