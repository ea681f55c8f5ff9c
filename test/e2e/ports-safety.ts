// Safe by default: a neighbour on the outside segment, sending with the host
// as next hop, reaches neither ports published on 127.0.0.1, nor container
// addresses, nor unpublished ports, nor host services bound to 127.0.0.1
// (CVE-2020-8558: route_localnet is on for berth bridges); a container
// cannot reach those host services either. Clashes are refused up front.
import t from 'tap'
import { HOST_IP, OUTSIDE_IP, cannotRun, run, sh, world } from '../helpers/world.js'
import { answer, ask, startWeb } from '../helpers/ports.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** Makes `netns` send 127.0.0.1 and `subnet` via `gateway` (an attacker's setup). */
const routeLoopbackVia = (netns: string, dev: string, gateway: string) => {
  for (const argv of [
    ['ip', '-n', netns, 'addr', 'del', '127.0.0.1/8', 'dev', 'lo'],
    ['ip', 'netns', 'exec', netns, 'sysctl', '-qw', `net.ipv4.conf.${dev}.route_localnet=1`],
    ['ip', 'netns', 'exec', netns, 'sysctl', '-qw', 'net.ipv4.conf.all.route_localnet=1'],
    ['ip', '-n', netns, 'route', 'add', '127.0.0.1/32', 'via', gateway, 'dev', dev],
  ]) {
    const r = sh(argv)
    if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`)
  }
}

t.test('nothing is reachable that should not be', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.73.0.0/24', 'safe'])
  await startWeb(w, 'web', 'safe', ['127.0.0.1:8081:81', '8080:80'])
  await w.ok(['run', '-d', '--name', 'evil', '--network', 'safe', '--', 'sleep', '300'])
  // A host service that must stay local.
  void w.in(w.host, ['socat', '-T20', 'TCP-LISTEN:18999,bind=127.0.0.1,fork,reuseaddr', "SYSTEM:echo HOST-LOCAL"], 25_000)
  await new Promise(r => setTimeout(r, 300))
  t.equal(await answer(w, w.host, '127.0.0.1', 18999), 'HOST-LOCAL', 'control: the host service answers locally')
  t.equal(await answer(w, w.host, '127.0.0.1', 8081), '10.73.0.1', 'control: the 127.0.0.1 port works from the host')
  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'control: the published port works from outside')

  t.equal(await ask(w, w.outside, HOST_IP, 8081), '', 'the 127.0.0.1 port is not on the host address')
  t.equal(await ask(w, w.outside, HOST_IP, 81), '', 'an unpublished port is unreachable')
  sh(['ip', '-n', w.outside, 'route', 'add', '10.73.0.0/24', 'via', HOST_IP])
  t.equal(await ask(w, w.outside, '10.73.0.2', 80), '', 'the container address is unreachable from outside, published port')
  t.equal(await ask(w, w.outside, '10.73.0.2', 81), '', 'the container address is unreachable from outside, unpublished port')
  t.equal((await run(['ip', 'netns', 'exec', w.outside, 'ping', '-c1', '-W1', '10.73.0.2'])).code, 1, 'and does not answer ping')

  routeLoopbackVia(w.outside, 'eth0', HOST_IP)
  t.equal(await ask(w, w.outside, '127.0.0.1', 8081), '', 'neighbour → 127.0.0.1:8081 via the host: dropped')
  t.equal(await ask(w, w.outside, '127.0.0.1', 18999), '', 'neighbour → host-local service via the host: dropped (CVE-2020-8558)')
  routeLoopbackVia(w.ns('evil'), 'eth0', '10.73.0.1')
  t.equal(await ask(w, w.ns('evil'), '127.0.0.1', 18999), '', 'container → host-local service via its gateway: dropped')
  t.equal(await ask(w, w.ns('evil'), '127.0.0.1', 8081), '', 'container → 127.0.0.1-published port via its gateway: dropped')
  const routeLocalnet = (dev: string) => sh(['ip', 'netns', 'exec', w.host, 'cat', `/proc/sys/net/ipv4/conf/${dev}/route_localnet`]).stdout.trim()
  t.equal(routeLocalnet('berth0'), '1', 'route_localnet is on for berth bridges')
  t.equal(routeLocalnet('eth0'), '0', 'and nowhere else')
  t.equal(routeLocalnet('all'), '0', 'not globally')
})

t.test('clashes are refused and create nothing', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.74.0.0/24', 'cl'])
  await startWeb(w, 'first', 'cl', ['8080:80', '9000:90/udp'])
  void w.in(w.host, ['socat', '-T20', 'TCP-LISTEN:7777,reuseaddr', 'SYSTEM:echo busy'], 25_000)
  await new Promise(r => setTimeout(r, 300))
  const before = w.snapshot()
  const cases: [string[], RegExp][] = [
    [['-p', '8080:81'], /Bind for 0\.0\.0\.0:8080\/tcp failed: port is already allocated/],
    [['-p', '127.0.0.1:8080:81'], /Bind for 127\.0\.0\.1:8080\/tcp failed: port is already allocated/],
    [['-p', '7777:80'], /Bind for 0\.0\.0\.0:7777\/tcp failed: port is already in use by another program on the host/],
    [['-p', '8090:80', '-p', '8090:81'], /Bind for 0\.0\.0\.0:8090\/tcp failed: port is already allocated/],
    [['-p', '8000-8001:80-82'], /host and container port ranges differ in length/],
    [['-p', '70000:80'], /invalid host port "70000"/],
    [['-p', '80/sctp'], /invalid protocol "sctp"/],
  ]
  for (const [flags, message] of cases) {
    const r = await w.cli(['run', '-d', '--name', 'second', '--network', 'cl', ...flags, '--', 'sleep', '300'])
    t.equal(r.code, 125, `exit code for ${flags.join(' ')}`)
    t.match(r.stderr, message, flags.join(' '))
  }
  t.same(w.snapshot(), before, 'nothing was created')
  await w.ok(['run', '-d', '--name', 'second', '--network', 'cl', '-p', '9000:90/tcp', '-p', '8090:80', '--', 'sleep', '300'])
  t.pass('tcp and udp of the same port do not clash; a port freed by a failed publish is free again')
})

t.test('a UDP flow that began before the publish is redirected (conntrack flushed)', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.75.0.0/24', 'ct'])
  const send = () => run(['ip', 'netns', 'exec', w.outside, 'sh', '-c', `echo x | socat -T1 - UDP:${HOST_IP}:7000,sourceport=40000`], undefined, 10_000)
  await send() // nothing listens: an unreplied entry for the host itself
  const entries = sh(['ip', 'netns', 'exec', w.host, 'conntrack', '-L', '-p', 'udp', '--orig-port-dst', '7000'])
  t.match(entries.stdout + entries.stderr, /dport=7000/, 'the stale entry exists')
  await startWeb(w, 'late', 'ct', ['7000:90/udp'])
  t.equal((await send()).stdout.trim(), OUTSIDE_IP, 'the same flow now reaches the container')
})

t.test('with iptables-nft FORWARD policy DROP in the host, berth still works', async t => {
  for (const dockerUser of [false, true]) {
    const w = await world(t, { start: false })
    const nft = (...cmd: string[]) => t.equal(sh(['ip', 'netns', 'exec', w.host, 'nft', ...cmd]).code, 0, `nft ${cmd.join(' ')}`)
    nft('add', 'table', 'ip', 'filter')
    nft('add chain ip filter FORWARD { type filter hook forward priority 0; policy drop; }')
    if (dockerUser) {
      nft('add', 'chain', 'ip', 'filter', 'DOCKER-USER')
      nft('add', 'rule', 'ip', 'filter', 'FORWARD', 'jump', 'DOCKER-USER')
    }
    await w.start()
    await w.ok(['network', 'create', '--subnet', '10.76.0.0/24', 'co'])
    await startWeb(w, 'web', 'co', ['8080:80'])
    const where = dockerUser ? 'DOCKER-USER' : 'FORWARD'
    t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, `${where}: the published port works`)
    t.ok(await w.ping(w.ns('web'), OUTSIDE_IP), `${where}: outbound works`)
    const chain = sh(['ip', 'netns', 'exec', w.host, 'nft', 'list', 'chain', 'ip', 'filter', where]).stdout
    t.match(chain, /iifname "br-[0-9a-f]{12}" counter packets \d+ bytes \d+ accept comment "berth: traffic from br-/, `the accept is in ${where}, commented`)
    if (dockerUser) t.notMatch(sh(['ip', 'netns', 'exec', w.host, 'nft', 'list', 'chain', 'ip', 'filter', 'FORWARD']).stdout, /berth:/, 'and not in FORWARD')
    await w.ok(['rm', '-f', 'web'])
    await w.ok(['network', 'rm', 'co'])
    const after = sh(['ip', 'netns', 'exec', w.host, 'nft', 'list', 'table', 'ip', 'filter']).stdout
    t.notMatch(after, /br-/, 'the removed network\'s accepts are gone')
    t.match(after, /policy drop/, 'their chain is otherwise untouched')
    await w.destroy()
  }
})

t.test('internal networks cannot use published ports; concurrent network changes keep every port', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.78.0.0/24', 'pub'])
  await w.ok(['network', 'create', '--internal', '--subnet', '10.79.0.0/24', 'sealed'])
  await startWeb(w, 'web', 'pub', ['8080:80'])
  await w.ok(['run', '-d', '--name', 'inner', '--network', 'sealed', '-p', '9999:80', '--', 'sleep', '300'])
  t.equal(await ask(w, w.ns('inner'), HOST_IP, 8080), '', 'a container on an internal network does not reach a published port')
  t.equal(await w.ok(['port', 'inner']), '', '-p is discarded on an internal network, as in Docker')
  // Network changes render the whole table; port changes at the same time must survive.
  const results = await Promise.all([
    ...[0, 1, 2].map(i => w.cli(['network', 'create', `extra${i}`])),
    ...[0, 1, 2].map(i => w.cli(['run', '-d', '--name', `p${i}`, '--network', 'pub', '-p', `${8100 + i}:80`, '--', 'sleep', '300'])),
  ])
  t.same(results.map(r => r.code), [0, 0, 0, 0, 0, 0], results.map(r => r.stderr).join(''))
  const map = sh(['ip', 'netns', 'exec', w.host, 'nft', 'list', 'map', 'inet', 'berth', 'pub_any_port']).stdout
  for (const port of [8080, 8100, 8101, 8102]) t.match(map, new RegExp(`tcp \\. ${port} : 80`), `element for ${port} present`)
  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'and the first port still works')
})
