// Plans applied to the real kernel (in throwaway netns): a failure at any
// step rolls back exactly what was done, and teardown is tolerant.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { createRtNetlink } from 'netlink'
import { planEndpointCreate } from '../../src/drivers/bridge/plan-endpoint.js'
import { planNetworkCreate } from '../../src/drivers/bridge/plan-network.js'
import { LinuxKernel } from '../../src/kernel/linux-kernel.js'
import { loadNative } from '../../src/kernel/native.js'
import { Rtnl } from '../../src/kernel/rtnl.js'
import type { Container, Endpoint, Network } from '../../src/model/types.js'
import type { Op } from '../../src/plan/ops.js'
import { planSandboxCreate, planSandboxRemove } from '../../src/plan/sandbox.js'
import { type OpApplier, applyPlan, applyBestEffort } from '../../src/plan/tx.js'
import { cannotRun, sh } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

const id = randomBytes(3).toString('hex')
const native = loadNative()
const hostNs = `btr${id}h`
const etcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rollback-'))
native.createNetns('/run/netns', hostNs)
const hostRtnl = new Rtnl(native.withNetns(`/run/netns/${hostNs}`, () => createRtNetlink()))
const linux = new LinuxKernel(hostRtnl, native, { netnsDir: '/run/netns', etcNetnsDir: etcDir })
const kernel = linux.session()
t.teardown(() => {
  hostRtnl.close()
  for (const n of sh(['ip', 'netns', 'list']).stdout.split('\n').map(l => l.split(' ')[0] ?? '')) {
    if (n.startsWith(`btr${id}`)) native.deleteNetns(`/run/netns/${n}`)
  }
  fs.rmSync(etcDir, { recursive: true, force: true })
})

const net: Network = {
  id: `${id}aaaaaa`.padEnd(64, '0'), name: 'rb', driver: 'bridge', created: '', subnet: '10.88.0.0/24', gateway: '10.88.0.1',
  userSubnet: true, bridge: `brr${id}`, internal: false, icc: true, masquerade: true, attachable: false, isDefault: false, options: {}, labels: {}, status: 'ready',
}
const ep: Endpoint = { id: `${id}bbbbbb`.padEnd(64, '1'), networkId: net.id, ifname: 'eth0', hostIfname: `vr${id}`, ip: '10.88.0.2', mac: '02:42:0a:58:00:02', aliases: [], status: 'creating' }
const container: Container = {
  id: `${id}cccccc`.padEnd(64, '2'), name: 'rbc', hostname: 'rbc', created: '', mode: 'bridge', netns: `btr${id}c`, cmd: [], endpoints: [ep],
  nextIfIndex: 1, ports: [], links: [], process: { status: 'created' }, status: 'creating',
}
// Daemon-netns sysctls would go to this process's netns (the root one): left out here.
const plan: Op[] = [...planSandboxCreate(container, { hosts: 'x\n' }), ...planEndpointCreate(net, container, ep, true)].filter(
  op => !(op.kind === 'sysctl.set' && op.netns === undefined),
)

/** The real kernel, failing on the Nth apply. */
const failingAt = (n: number): OpApplier => {
  let calls = 0
  return {
    apply: async op => {
      if (++calls === n) throw new Error(`injected failure at op ${n}`)
      return kernel.apply(op)
    },
    release: () => kernel.release(),
  }
}

const observe = () => ({
  netns: sh(['ip', 'netns', 'list']).stdout.split('\n').filter(l => l.startsWith(`btr${id}`)).map(l => l.split(' ')[0]).sort(),
  links: JSON.parse(sh(['ip', '-n', hostNs, '-j', 'link']).stdout).map((l: { ifname: string }) => l.ifname).sort(),
  etc: fs.readdirSync(etcDir),
})

t.test('a failure at every step rolls back to the state before', async t => {
  // sysctls go to /proc/sys of this process's netns (the daemon's own, in real use): skipped here
  await applyPlan(kernel, planNetworkCreate(net).filter(op => op.kind !== 'sysctl.set'))
  const before = observe()
  t.same(before.netns, [hostNs])
  for (let n = 1; n <= plan.length; n++) {
    await t.rejects(applyPlan(failingAt(n), plan), /injected failure/, `failure at op ${n}`)
    t.same(observe(), before, `nothing left after a failure at op ${n} (${plan[n - 1]?.kind})`)
  }
})

t.test('the full plan works, is tolerant on replay, and teardown is tolerant', async t => {
  await applyPlan(kernel, plan)
  const addr = JSON.parse(sh(['ip', '-n', container.netns, '-j', 'addr', 'show', 'eth0']).stdout)[0]
  t.equal(addr.addr_info[0].local, '10.88.0.2')
  t.equal(addr.address, '02:42:0a:58:00:02')
  t.equal(sh(['ip', '-n', container.netns, 'link', 'show', 'lo']).stdout.match(/alias (\S+)/)?.[1], `berth:${container.id}`, 'lo carries the owner alias')
  t.equal(sh(['ip', '-n', hostNs, 'link', 'show', ep.hostIfname]).stdout.match(/alias (\S+)/)?.[1], `berth:${ep.id}`, 'the veth carries the owner alias')
  t.equal(sh(['ip', 'netns', 'exec', container.netns, 'ping', '-c1', '-W1', '10.88.0.1']).code, 0, 'the gateway answers')
  t.equal(sh(['ip', 'netns', 'exec', container.netns, 'cat', '/proc/sys/net/ipv6/conf/all/disable_ipv6']).stdout.trim(), '1', 'IPv6 off in the sandbox')
  t.equal(sh(['ip', '-n', container.netns, '-6', 'addr']).stdout, '', 'no IPv6 address at all (CVE-2024-32473)')
  await t.rejects(applyPlan(kernel, plan.slice(0, 1)), /already exists/, 'a second netns of that name is a conflict')
  // ensure-ops replay without error
  await applyPlan(kernel, plan.slice(1).filter(op => op.kind !== 'link.veth'))
  await applyBestEffort(kernel, planSandboxRemove(container))
  await applyBestEffort(kernel, planSandboxRemove(container))
  t.same(observe().netns, [hostNs], 'container netns gone, twice without error')
  t.notOk(observe().links.includes(ep.hostIfname), 'veth gone')
  t.same(observe().etc, [], 'files gone')
})

t.test('a bridge left unlabelled by a kill is taken back only when its MAC is this network’s', async t => {
  const other: Network = { ...net, id: `${id}dddddd`.padEnd(64, '3'), bridge: `bru${id}` }
  const create = planNetworkCreate(other).filter(op => op.kind === 'link.bridge')
  const mac = (create[0] as Extract<Op, { kind: 'link.bridge' }>).mac
  // What a kill between the create and the label leaves: the bridge, its MAC, no alias.
  sh(['ip', '-n', hostNs, 'link', 'add', other.bridge, 'address', mac, 'type', 'bridge'])
  await applyPlan(kernel, create)
  t.equal(sh(['ip', '-n', hostNs, 'link', 'show', other.bridge]).stdout.match(/alias (\S+)/)?.[1], `berth:${other.id}`, 'labelled now')
  await applyPlan(kernel, create)
  t.pass('and a replay is still success')
  sh(['ip', '-n', hostNs, 'link', 'del', other.bridge])
  // A foreign bridge of that name (another MAC) is never taken.
  sh(['ip', '-n', hostNs, 'link', 'add', other.bridge, 'address', '02:00:00:00:00:99', 'type', 'bridge'])
  await t.rejects(applyPlan(kernel, create), /already exists and does not belong to this network/)
  t.notMatch(sh(['ip', '-n', hostNs, 'link', 'show', other.bridge]).stdout, /alias/, 'and left as it was')
  sh(['ip', '-n', hostNs, 'link', 'del', other.bridge])
})
