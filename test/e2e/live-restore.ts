// Live restore (issue 6): stopping berthd (SIGTERM, or SIGKILL) leaves the
// data plane up — containers keep talking, published ports keep answering
// and an established connection keeps flowing while it is down — and a new
// berthd re-adopts the running processes and their interfaces without
// re-creating anything: same pids, same links (ifindex, MAC, address), the
// held connections still alive, DNS back; `rm -f` still cleans up.
// (restart.ts covers repairs of missing/leftover pieces; this file covers
// what must *not* be touched.)
import { spawn } from 'node:child_process'
import t, { type Test } from 'tap'
import { dig, digShort } from '../helpers/dns.js'
import { ECHO_SERVERS, answer, holdConnection } from '../helpers/ports.js'
import { HOST_IP, OUTSIDE_IP, cannotRun, sh, type World, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** `web` serves the echo servers (80: the peer address) and a plain echo on 7. */
const WEB = `socat TCP-LISTEN:7,fork,reuseaddr EXEC:cat & ${ECHO_SERVERS}`
const CONTAINERS = ['web', 'peer', 'dflt']
/** The socket's group given, so berthd has no reason to warn about a missing `berth` group: any warning here is about the restore. */
const ARGS = ['--group', '0']

interface LinkView {
  ifname: string
  ifindex: number
  address: string
  addr_info: { local: string }[]
}

/** Every link of a netns as identity: name, index, MAC, addresses (link-local v6 left out: the kernel's). */
const links = (w: World, netns: string) =>
  w.ipJson<LinkView[]>(netns, ['addr']).map(l => ({
    ifname: l.ifname,
    ifindex: l.ifindex,
    address: l.address,
    addrs: l.addr_info.map(a => a.local).filter(a => !a.startsWith('fe80:')),
  }))

/** The interfaces of the host netns and of every container netns. */
const interfaces = (w: World) => Object.fromEntries([w.host, ...CONTAINERS.map(c => w.ns(c))].map(ns => [ns, links(w, ns)]))

/** The embedded DNS's DNAT table in a container's netns (counters masked). */
const dnsTable = (w: World, container: string): string =>
  sh(['ip', 'netns', 'exec', w.ns(container), 'nft', 'list', 'table', 'ip', 'berth_dns']).stdout.replace(/packets \d+ bytes \d+/g, 'packets N bytes N')

/** The UDP port the DNAT table sends 127.0.0.11:53 to. */
const dnsUdpPort = (w: World, container: string): number => Number(/udp dport 53 .*dnat to 127\.0\.0\.11:(\d+)/.exec(dnsTable(w, container))?.[1])

/** Container name → State.Pid, as berth reports it. */
const pids = async (w: World): Promise<Record<string, number>> => {
  const inspect = JSON.parse(await w.ok(['inspect', ...CONTAINERS])) as { Name: string; State: { Pid: number; Running: boolean } }[]
  return Object.fromEntries(inspect.map(c => [c.Name.slice(1), c.State.Running ? c.State.Pid : 0]))
}

/** Pids that live in a container's netns, by the kernel. */
const pidsIn = (w: World, container: string): number[] =>
  sh(['ip', 'netns', 'pids', w.ns(container)]).stdout.split('\n').filter(Boolean).map(Number)

/** berthd's log lines at level warn or above. */
const complaints = (w: World): string[] =>
  w.daemonLog().split('\n').filter(l => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 40)

/** The last `reconcile done` line of berthd's log. */
const lastReconcile = (w: World): { ms: number; repairs: number } | undefined => {
  const lines = w.daemonLog().split('\n').filter(l => l.includes('"reconcile done"'))
  const last = lines[lines.length - 1]
  return last === undefined ? undefined : (JSON.parse(last) as { ms: number; repairs: number })
}

t.test('the data plane outlives berthd, and a new berthd adopts it untouched', async t => {
  const w = await world(t, { args: ARGS })
  const pristine = w.snapshot()
  await w.ok(['network', 'create', '--subnet', '10.61.0.0/24', 'live'])
  await w.ok(['run', '-d', '--name', 'web', '--network', 'live', '-p', '8080:80', '-p', '8007:7', '--', 'sh', '-c', WEB])
  await w.ok(['run', '-d', '--name', 'peer', '--network', 'live', '--', 'sleep', '600'])
  await w.ok(['run', '-d', '--name', 'dflt', '-p', '8081:80', '--', 'sh', '-c', ECHO_SERVERS])
  const webIp = JSON.parse(await w.ok(['inspect', 'web']))[0].NetworkSettings.Networks.live.IPAddress as string
  for (let i = 0; i < 50 && (await answer(w, w.host, '127.0.0.1', 8081)) === ''; i++) await new Promise(r => setTimeout(r, 100))
  t.equal(await answer(w, w.ns('peer'), webIp, 80), '10.61.0.3', 'web answers before the outage')

  // Long-lived connections: outside → published port (DNAT), container → container.
  const viaPort = holdConnection(t, w.outside, HOST_IP, 8007)
  const direct = holdConnection(t, w.ns('peer'), webIp, 7)
  t.ok(await viaPort.echo('hello-port'), 'a connection through the published port is open')
  t.ok(await direct.echo('hello-direct'), 'a container-to-container connection is open')
  const pidsBefore = await pids(w)
  const ifacesBefore = interfaces(w)
  const dnsBefore = dnsTable(w, 'peer')
  t.match(dnsBefore, /dnat to 127\.0\.0\.11:\d+/, 'peer has its DNS DNAT table')
  t.ok(Object.values(pidsBefore).every(p => p > 0), 'every container runs')

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    await t.test(`berthd stopped with ${signal}`, async t => {
      await w.stop(signal)
      await whileDown(t, w, webIp)
      t.ok(await viaPort.echo(`down-port-${signal}`), 'the held connection through the published port still flows')
      t.ok(await direct.echo(`down-direct-${signal}`), 'the held container-to-container connection still flows')
      for (const c of CONTAINERS) {
        t.ok(pidsIn(w, c).includes(pidsBefore[c] ?? -1), `${c}'s main process keeps running in its netns`)
      }

      await w.start(ARGS)
      t.same(await pids(w), pidsBefore, 'berth shows the same processes, running')
      const ps = await w.ok(['ps'])
      for (const c of CONTAINERS) t.match(ps, new RegExp(`^\\w+\\s+${c}\\s.*\\sUp `, 'm'), `ps lists ${c} as up`)
      t.same(interfaces(w), ifacesBefore, 'no interface was re-created: same ifindex, MAC and addresses in every netns')
      t.equal(dnsTable(w, 'peer'), dnsBefore, "the container's DNS table is left as it was (the same ports bound again)")
      t.ok(await viaPort.echo(`after-port-${signal}`), 'the connection through the published port survived the restart')
      t.ok(await direct.echo(`after-direct-${signal}`), 'the container-to-container connection survived the restart')
      t.same(await digShort(w, 'peer', 'web'), [webIp], 'DNS answers by name again (dig @127.0.0.11)')
      t.match((await w.in(w.ns('peer'), ['getent', 'hosts', 'web'])).stdout, new RegExp(`^${webIp.replace(/\./g, '\\.')}\\s`), 'and through the libc resolver (getent)')
      t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'the published port answers after the restart')
      t.equal(lastReconcile(w)?.repairs, 0, 'the restart found nothing to repair')
      t.same(complaints(w), [], 'and logged no warning or error')
    })
  }

  await t.test('a DNS port taken while berthd is down: new ports and a new table', async t => {
    const port = dnsUdpPort(w, 'peer')
    t.ok(port > 0, `the table points at UDP port ${port}`)
    await w.stop()
    const squatter = spawn('ip', ['netns', 'exec', w.ns('peer'), 'socat', `UDP-LISTEN:${port},bind=127.0.0.11`, 'SYSTEM:true'], { stdio: 'ignore' })
    t.teardown(() => squatter.kill('SIGKILL'))
    for (let i = 0; i < 50 && !sh(['ip', 'netns', 'exec', w.ns('peer'), 'ss', '-lun']).stdout.includes(`127.0.0.11:${port} `); i++) {
      await new Promise(r => setTimeout(r, 50))
    }
    await w.start(ARGS)
    t.not(dnsUdpPort(w, 'peer'), port, 'the table now points elsewhere')
    t.same(await digShort(w, 'peer', 'web'), [webIp], 'and DNS answers')
    t.same(complaints(w), [], 'without a warning')
    squatter.kill('SIGKILL')
  })

  viaPort.close()
  direct.close()
  await w.ok(['rm', '-f', ...CONTAINERS])
  await w.ok(['network', 'rm', 'live'])
  t.same(w.snapshot(), pristine, 'rm -f after the restarts removes everything the containers had')
})

/** What must work while no berthd runs. */
const whileDown = async (t: Test, w: World, webIp: string) => {
  t.equal((await w.cli(['ps'])).code, 1, 'berthd is down (the CLI cannot reach it)')
  t.ok(await w.ping(w.ns('peer'), webIp), 'container → container ping on the user network')
  t.equal(await answer(w, w.ns('peer'), webIp, 80), '10.61.0.3', 'container → container TCP on the user network')
  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'published port from the outside netns (user network)')
  t.equal(await answer(w, w.outside, HOST_IP, 8081), OUTSIDE_IP, 'published port from the outside netns (default bridge)')
  t.equal(await answer(w, w.host, '127.0.0.1', 8080), '10.61.0.1', 'published port from the host netns (127.0.0.1)')
  t.equal(await answer(w, w.host, HOST_IP, 8081), HOST_IP, 'published port from the host netns (its own address)')
  t.ok(await w.ping(w.ns('dflt'), OUTSIDE_IP), 'default bridge → outside (masquerade)')
  t.match(await dig(w, 'peer', 'web'), /timed out|no servers/, 'no DNS while down (the resolver is berthd)')
}
