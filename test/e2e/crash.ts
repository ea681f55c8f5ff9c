// berthd killed (SIGKILL) at seeded pseudo-random points during run (with
// and without -p), network connect/disconnect, rm -f, network create and
// network rm: after each restart state and kernel agree (test/helpers/
// agree.ts: netns, veths, bridges, addresses, nft maps and rules, bound
// ports, reachability), a port a killed run had taken can be published
// again, and at the end everything is removable with nothing left behind.
// Reproduce a failure with BERTH_CRASH_SEED=<seed printed below>;
// scripts/crash-long.ts runs ≥ 200 points.
import t from 'tap'
import { crashPoints, CRASH_OPS } from '../helpers/crash-points.js'
import { disagreements } from '../helpers/agree.js'
import { Api, removeAll } from '../helpers/api.js'
import { seedFrom } from '../helpers/seeded.js'
import { cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

const POINTS = Number(process.env.BERTH_CRASH_POINTS ?? 30)

t.test(`SIGKILL at ${POINTS} points`, async t => {
  const seed = seedFrom('BERTH_CRASH_SEED')
  t.comment(`seed ${seed} (BERTH_CRASH_SEED=${seed} repeats this run)`)
  const w = await world(t)
  const clean = w.snapshot()
  const { failures, ops } = await crashPoints(w, { points: POINTS, seed, log: line => t.comment(line) })
  t.same(failures, [], `seed ${seed}: state and kernel agree after every restart`)
  if (POINTS >= 30) t.ok(CRASH_OPS.every(op => ops[op] >= 3), `every operation interrupted at least 3 times: ${JSON.stringify(ops)}`)
  const api = new Api(w.socket)
  t.same(await removeAll(api), [], 'everything left is removable')
  t.same(await disagreements(w, api), [], 'and then still agrees')
  api.close()
  t.same(w.snapshot(), clean, 'nothing is left behind: netns, links, addresses, routes, rules, files')
})
