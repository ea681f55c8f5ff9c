// Published ports (-p) over real traffic: reachable from the outside (client
// IP preserved), from the host (127.0.0.1 and its own addresses), from
// containers (hairpin, own port, other networks); TCP and UDP; removal
// leaves exactly the ruleset that was there before.
import t from 'tap'
import { answer, ask, startWeb } from '../helpers/ports.js'
import { HOST_IP, OUTSIDE_IP, cannotRun, run, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

t.test('reachability of published ports', async t => {
  const w = await world(t)
  const pristine = w.snapshot()
  await w.ok(['network', 'create', '--subnet', '10.70.0.0/24', 'front'])
  await w.ok(['network', 'create', '--subnet', '10.71.0.0/24', 'other'])
  await startWeb(w, 'web', 'front', ['8080:80', '127.0.0.1:8081:81', '8082:90/udp'])
  await w.ok(['run', '-d', '--name', 'peer', '--network', 'front', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'far', '--network', 'other', '--', 'sleep', '300'])

  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'outside → host:8080, client address preserved')
  t.equal(await answer(w, w.outside, HOST_IP, 8082, 'udp'), OUTSIDE_IP, 'outside → host:8082/udp, client address preserved')
  t.equal(await answer(w, w.host, '127.0.0.1', 8080), '10.70.0.1', 'host → 127.0.0.1:8080')
  t.equal(await answer(w, w.host, '127.0.0.1', 8081), '10.70.0.1', 'host → 127.0.0.1:8081 (published on 127.0.0.1)')
  t.equal(await answer(w, w.host, HOST_IP, 8080), HOST_IP, 'host → its own address:8080')
  t.equal(await answer(w, w.host, '10.71.0.1', 8080), '10.70.0.1', 'host → another of its addresses (a gateway):8080, masqueraded as it crosses to another network')
  t.equal(await answer(w, w.host, HOST_IP, 8082, 'udp'), HOST_IP, 'host → own address:8082/udp')
  t.equal(await answer(w, w.host, '127.0.0.1', 8082, 'udp'), '10.70.0.1', 'host → 127.0.0.1:8082/udp')
  t.equal(await answer(w, w.ns('web'), HOST_IP, 8082, 'udp'), '10.70.0.1', 'the container → its own published UDP port')
  t.equal(await answer(w, w.ns('peer'), HOST_IP, 8080), '10.70.0.1', 'same network → host:8080 (hairpin)')
  t.equal(await answer(w, w.ns('peer'), HOST_IP, 8082, 'udp'), '10.70.0.1', 'same network → host:8082/udp (hairpin)')
  t.equal(await answer(w, w.ns('web'), HOST_IP, 8080), '10.70.0.1', 'the container → its own published port')
  t.equal(await answer(w, w.ns('far'), HOST_IP, 8080), '10.70.0.1', 'another network → host:8080')
  t.equal(await answer(w, w.ns('far'), HOST_IP, 8082, 'udp'), '10.70.0.1', 'another network → host:8082/udp')
  t.equal(await ask(w, w.ns('far'), '10.70.0.2', 80), '', 'but not the container address directly (isolation)')

  const inspect = JSON.parse(await w.ok(['inspect', 'web']))[0]
  t.same(inspect.NetworkSettings.Ports, {
    '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }],
    '81/tcp': [{ HostIp: '127.0.0.1', HostPort: '8081' }],
    '90/udp': [{ HostIp: '0.0.0.0', HostPort: '8082' }],
  })
  t.same(inspect.HostConfig.PortBindings, {
    '80/tcp': [{ HostIp: '', HostPort: '8080' }],
    '81/tcp': [{ HostIp: '127.0.0.1', HostPort: '8081' }],
    '90/udp': [{ HostIp: '', HostPort: '8082' }],
  })
  t.equal(await w.ok(['port', 'web']), '80/tcp -> 0.0.0.0:8080\n81/tcp -> 127.0.0.1:8081\n90/udp -> 0.0.0.0:8082')
  t.equal(await w.ok(['port', 'web', '81']), '127.0.0.1:8081')
  t.match(await w.ok(['ps']), /0\.0\.0\.0:8080->80\/tcp, 127\.0\.0\.1:8081->81\/tcp, 0\.0\.0\.0:8082->90\/udp/)

  await w.ok(['rm', '-f', 'web', 'peer', 'far'])
  t.equal(await ask(w, w.outside, HOST_IP, 8080), '', 'unpublished once removed')
  await w.ok(['network', 'rm', 'front', 'other'])
  t.same(w.snapshot(), pristine, 'the ruleset and everything else are as before')
})

t.test('ranges, random ports and removal of exactly one container\'s elements', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.72.0.0/24', 'rng'])
  await startWeb(w, 'ranged', 'rng', ['8000-8001:80-81'])
  await startWeb(w, 'random', 'rng', ['80'])
  t.equal(await w.ok(['port', 'ranged']), '80/tcp -> 0.0.0.0:8000\n81/tcp -> 0.0.0.0:8001')
  const [lo, hi] = (await run(['ip', 'netns', 'exec', w.host, 'cat', '/proc/sys/net/ipv4/ip_local_port_range'])).stdout.trim().split(/\s+/).map(Number)
  const randomPort = Number((await w.ok(['port', 'random', '80'])).split(':')[1])
  t.ok(randomPort >= (lo ?? 0) && randomPort <= (hi ?? 0), `a free port of ip_local_port_range (${randomPort})`)
  t.equal(await answer(w, w.outside, HOST_IP, 8001), OUTSIDE_IP, 'range member reachable')
  t.equal(await answer(w, w.outside, HOST_IP, randomPort), OUTSIDE_IP, 'random port reachable')
  const before = (await run(['ip', 'netns', 'exec', w.host, 'nft', '-j', 'list', 'map', 'inet', 'berth', 'pub_any_port'])).stdout
  t.match(before, /8000/)
  await w.ok(['rm', '-f', 'ranged'])
  const after = (await run(['ip', 'netns', 'exec', w.host, 'nft', '-j', 'list', 'map', 'inet', 'berth', 'pub_any_port'])).stdout
  t.notMatch(after, /"8000"|\b8000\b/, 'its elements are gone')
  t.match(after, new RegExp(`\\b${randomPort}\\b`), 'the other container\'s element stays')
  t.equal(await answer(w, w.outside, HOST_IP, randomPort), OUTSIDE_IP, 'and keeps working')
})

t.test('published ports survive a daemon restart, and stay reserved', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.77.0.0/24', 'rs'])
  await startWeb(w, 'web', 'rs', ['8080:80'])
  await w.stop()
  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'while berthd is down the port keeps working')
  await w.start()
  t.equal(await answer(w, w.outside, HOST_IP, 8080), OUTSIDE_IP, 'after the restart too')
  const again = await w.cli(['run', '-d', '--name', 'thief', '--network', 'rs', '-p', '8080:81', '--', 'sleep', '300'])
  t.match(again.stderr, /port is already allocated/, 'still allocated after the restart')
  const squatter = await run(['ip', 'netns', 'exec', w.host, 'socat', '-T1', 'TCP-LISTEN:8080,reuseaddr', '-'], undefined, 5000)
  t.match(squatter.stderr, /Address already in use/, 'and a host program cannot take it: berthd holds it again')
})
