// Network options, by real traffic: enable_icc=false, enable_ip_masquerade=false,
// --internal; and the default-route rule with several networks.
import t from 'tap'
import { answer, ask, startWeb } from '../helpers/ports.js'
import { digShort } from '../helpers/dns.js'
import { HOST_IP, OUTSIDE_IP, cannotRun, sh, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('enable_icc=false: peers cannot talk; DNS, gateway, outbound and published ports still work', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.87.0.0/24', '-o', 'com.docker.network.bridge.enable_icc=false', 'noicc'])
  await startWeb(w, 'web', 'noicc', ['8080:80'])
  await w.ok(['run', '-d', '--name', 'peer', '--network', 'noicc', '--', 'sleep', '300'])
  t.notOk(await w.ping(w.ns('peer'), '10.87.0.2'), 'peer → web: ICMP dropped')
  t.equal(await ask(w, w.ns('peer'), '10.87.0.2', 80), '', 'peer → web: TCP dropped')
  t.notOk(await w.ping(w.ns('web'), '10.87.0.3'), 'web → peer: dropped too')
  t.same(await digShort(w, 'peer', 'web'), ['10.87.0.2'], 'DNS still resolves the peer')
  t.ok(await w.ping(w.ns('peer'), '10.87.0.1'), 'the gateway answers')
  t.ok(await w.ping(w.ns('peer'), OUTSIDE_IP), 'outbound works')
  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'the published port works from outside')
  t.equal(await answer(w, w.ns('peer'), HOST_IP, 8080), '10.87.0.1', 'and from the peer through the host address')
  // Where the drop lives depends on br_netfilter: bridged frames then meet the inet rules.
  const brnf = sh(['ip', 'netns', 'exec', w.host, 'cat', '/proc/sys/net/bridge/bridge-nf-call-iptables']).stdout.trim() === '1'
  const where = brnf ? ['inet', 'berth'] : ['bridge', 'berth']
  t.match(sh(['ip', 'netns', 'exec', w.host, 'nft', 'list', 'table', ...where]).stdout, /drop comment "noicc: enable_icc=false/, `the drop is in table ${where.join(' ')}`)
  await w.ok(['rm', '-f', 'web', 'peer'])
  await w.ok(['network', 'rm', 'noicc'])
  t.not(sh(['ip', 'netns', 'exec', w.host, 'nft', 'list', 'table', 'bridge', 'berth']).code, 0, 'no bridge table once no network needs it')
})

t.test('enable_ip_masquerade=false: outbound keeps the container address', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.88.0.0/24', '-o', 'com.docker.network.bridge.enable_ip_masquerade=false', 'nomasq'])
  await w.ok(['run', '-d', '--name', 'out', '--network', 'nomasq', '--', 'sleep', '300'])
  void w.in(w.outside, ['socat', '-T8', 'TCP-LISTEN:8000,reuseaddr,fork', 'SYSTEM:echo $SOCAT_PEERADDR'], 10_000)
  await new Promise(r => setTimeout(r, 300))
  t.equal(await ask(w, w.ns('out'), OUTSIDE_IP, 8000), '', 'the outside cannot answer an unmasqueraded address it has no route to')
  sh(['ip', '-n', w.outside, 'route', 'add', '10.88.0.0/24', 'via', HOST_IP])
  t.equal(await answer(w, w.ns('out'), OUTSIDE_IP, 8000), '10.88.0.2', 'with a route back, the outside sees the container address: no masquerade')
  t.match((await w.cli(['network', 'create', '-o', 'com.docker.network.bridge.enable_icc=maybe', 'bad'])).stderr, /invalid value "maybe" for com\.docker\.network\.bridge\.enable_icc/)
})

t.test('--internal: no way out, the host itself answers, the default route is still there', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--internal', '--subnet', '10.89.0.0/24', 'int'])
  await w.ok(['network', 'create', '--subnet', '10.90.0.0/24', 'zz-pub'])
  await w.ok(['run', '-d', '--name', 'in1', '--network', 'int', '--', 'sleep', '300'])
  t.notOk(await w.ping(w.ns('in1'), OUTSIDE_IP), 'nothing leaves')
  t.ok(await w.ping(w.ns('in1'), HOST_IP), 'the host address answers (INPUT is not filtered, as in Docker)')
  const routes = w.ipJson<{ dst: string; gateway?: string }[]>(w.ns('in1'), ['route'])
  t.match(routes.find(r => r.dst === 'default'), { gateway: '10.89.0.1' }, 'a default route via the gateway, like Docker')
  await w.ok(['network', 'connect', 'zz-pub', 'in1'])
  const after = w.ipJson<{ dst: string; gateway?: string; dev: string }[]>(w.ns('in1'), ['route'])
  t.match(after.find(r => r.dst === 'default'), { gateway: '10.90.0.1', dev: 'eth1' }, 'internal networks come last: the default route moves to zz-pub')
  t.ok(await w.ping(w.ns('in1'), OUTSIDE_IP), 'and the container gets out through it')
  await w.ok(['network', 'disconnect', 'zz-pub', 'in1'])
  const back = w.ipJson<{ dst: string; gateway?: string; dev: string }[]>(w.ns('in1'), ['route'])
  t.match(back.find(r => r.dst === 'default'), { gateway: '10.89.0.1', dev: 'eth0' }, 'disconnected: back to the internal gateway')
})
