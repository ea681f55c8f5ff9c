// berthd killed (SIGKILL) in the middle of operations: after a restart the
// kernel and the state agree — no leaked netns or veths, no container
// without its sandbox — and every surviving container works.
import t, { type Test } from 'tap'
import { cannotRun, sh, world, type World } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** Checks that the kernel matches what berth reports; returns container count. */
const agree = async (t: Test, w: World, when: string): Promise<number> => {
  const ids = (await w.ok(['ps', '-a', '-q'])).split('\n').filter(Boolean)
  const containers = ids.length > 0 ? (JSON.parse(await w.ok(['inspect', ...ids])) as any[]) : []
  const netns = sh(['ip', 'netns', 'list']).stdout.split('\n').map(l => l.split(' ')[0] ?? '').filter(n => n.startsWith(w.prefix))
  t.same(netns.sort(), containers.map(c => w.ns(c.Name.slice(1))).sort(), `${when}: one netns per container, no other`)
  const veths = w.ipJson<{ ifname: string }[]>(w.host, ['link']).map(l => l.ifname).filter(n => n.startsWith('veth'))
  const endpoints = containers.flatMap(c => Object.values(c.NetworkSettings.Networks).map((e: any) => `veth${e.EndpointID.slice(0, 7)}`))
  t.same(veths.sort(), endpoints.sort(), `${when}: one veth per endpoint, no other`)
  for (const c of containers) {
    for (const e of Object.values(c.NetworkSettings.Networks) as any[]) {
      t.ok(await w.ping(w.ns(c.Name.slice(1)), e.Gateway), `${when}: ${c.Name} reaches its gateway`)
    }
  }
  return containers.length
}

t.test('SIGKILL during create, connect and rm', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.95.0.0/24', 'crash'])
  await w.ok(['network', 'create', '--subnet', '10.96.0.0/24', 'other'])
  const delays = [0, 2, 4, 6, 9, 12, 16, 25]
  for (const [i, delay] of delays.entries()) {
    const op =
      i % 3 === 0
        ? w.cli(['run', '-d', '--name', `k${i}`, '--network', 'crash', '--', 'sleep', '300'])
        : i % 3 === 1
          ? w.cli(['network', 'connect', 'other', `k${i - 1}`])
          : w.cli(['rm', '-f', `k${i - 2}`])
    await new Promise(r => setTimeout(r, delay))
    await w.stop('SIGKILL')
    await op
    await w.start()
    await agree(t, w, `kill ${i} after ${delay} ms`)
    if (i % 3 === 0 && (await w.cli(['inspect', `k${i}`])).code !== 0) {
      await w.ok(['run', '-d', '--name', `k${i}`, '--network', 'crash', '--', 'sleep', '300'])
    }
  }
  // Everything still removable, and then nothing is left.
  const ids = (await w.ok(['ps', '-a', '-q'])).split('\n').filter(Boolean)
  if (ids.length > 0) await w.ok(['rm', '-f', ...ids])
  await w.ok(['network', 'rm', 'crash', 'other'])
  t.equal(await agree(t, w, 'after removing all'), 0)
})
