/**
 * The long fault-injection run (issue 6): SIGKILL berthd at N seeded
 * pseudo-random points (default 200) during run, run -p, connect,
 * disconnect, rm -f, network create and network rm, restart it, and check
 * after every restart that state and kernel agree (test/helpers/agree.ts).
 * test/e2e/crash.ts is the 30-point CI version.
 *
 *   sudo node dist/scripts/crash-long.js [--points N] [--seed S] [--keep] [--quiet]
 *
 * Prints `N kill points, all agreed` (exit 0) or every failure (exit 1).
 */
import { disagreements } from '../test/helpers/agree.js'
import { Api, removeAll } from '../test/helpers/api.js'
import { crashPoints } from '../test/helpers/crash-points.js'
import { World } from '../test/helpers/world.js'
import { longRunOptions } from './long-run.js'

const main = async () => {
  const o = longRunOptions('crash-long', { points: { default: 200, min: 1 } }, 'BERTH_CRASH_SEED')
  const w = new World()
  const started = Date.now()
  let failures: string[] = []
  try {
    await w.start()
    process.stderr.write(`crash-long: seed ${o.seed}, ${o.counts.points} points, world ${w.dir}\n`)
    const r = await crashPoints(w, { points: o.counts.points ?? 200, seed: o.seed, log: o.quiet ? undefined : l => process.stderr.write(`${l}\n`) })
    const api = new Api(w.socket)
    failures = [...r.failures, ...(await removeAll(api))]
    failures.push(...(await disagreements(w, api)).map(f => `after removing everything: ${f}`))
    api.close()
    process.stderr.write(`interrupted: ${JSON.stringify(r.ops)}; ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
  } finally {
    if (o.keep) {
      await w.stop()
      process.stderr.write(`kept ${w.dir} and netns ${w.host}, daemon stopped (log: ${w.dir}/berthd.log)\n`)
    } else await w.destroy()
  }
  if (failures.length === 0) {
    process.stdout.write(`${o.counts.points} kill points, all agreed (seed ${o.seed})\n`)
  } else {
    process.stdout.write(`${failures.length} failure(s) (seed ${o.seed}):\n${failures.join('\n')}\n`)
    process.exitCode = 1
  }
}

await main()
