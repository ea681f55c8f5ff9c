// 10 clients × 100 seeded pseudo-random mixed operations at once, straight
// through the HTTP API (test/helpers/mixed-load.ts): run with and without
// -p on 3 contended host ports, names from a small pool, connect and
// disconnect, rm -f, network create/rm of 3 networks, reads. Proves: no
// deadlock (an overall deadline), only Docker's expected errors, no lost
// update, and then no duplicate IPs, ports or names with state and kernel
// agreeing (test/helpers/agree.ts), everything removable, nothing left.
// Reproduce with BERTH_LOAD_SEED=<seed printed below>; the long version is
// scripts/concurrency-long.ts (50 × 1000).
import t from 'tap'
import { disagreements } from '../helpers/agree.js'
import { Api, removeAll } from '../helpers/api.js'
import { mixedLoad } from '../helpers/mixed-load.js'
import { seedFrom } from '../helpers/seeded.js'
import { cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('10 clients × 100 mixed operations', async t => {
  const seed = seedFrom('BERTH_LOAD_SEED')
  t.comment(`seed ${seed} (BERTH_LOAD_SEED=${seed} repeats the mix; timing differs)`)
  const w = await world(t)
  const clean = w.snapshot()
  const started = Date.now()
  const r = await mixedLoad(w, { clients: 10, ops: 100, seed, timeoutMs: 60_000 })
  t.comment(`${r.requests} requests in ${Date.now() - started} ms: ${JSON.stringify(r.answers)}`)
  t.same(r.failures, [], `seed ${seed}: no deadlock, only expected errors, no lost update`)
  t.ok((r.answers['create 201'] ?? 0) > 10 && (r.answers['create 409'] ?? 0) > 0, 'containers were made, and some names or ports clashed')
  t.ok((r.answers['connect 200'] ?? 0) > 0 && (r.answers['network-rm 204'] ?? 0) > 0, 'connects and network removals got through')
  t.ok((r.answers['reconcile 200'] ?? 0) > 0, 'on-demand reconciles ran in between, alone, and found nothing to repair')
  const api = new Api(w.socket)
  t.same(await disagreements(w, api), [], 'then state and kernel agree: no duplicate IPs, ports or names, nothing leaked')
  t.same(await removeAll(api), [], 'everything is removable')
  t.same(await disagreements(w, api), [], 'and then still agrees')
  api.close()
  t.same(w.snapshot(), clean, 'nothing is left behind')
})
