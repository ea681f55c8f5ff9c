// The embedded DNS at 127.0.0.11 (Docker's behaviour, oracle §5–14), by
// real queries from inside containers, with a fake upstream in the outside
// netns.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { UPSTREAM_NAME, dig, digShort, startUpstream, status } from '../helpers/dns.js'
import { OUTSIDE_IP, cannotRun, world, type World } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** A world whose host resolv.conf has a search list and `extra` options. */
const dnsWorld = async (t: Parameters<typeof world>[0], options: string) => {
  const w = await world(t, { start: false })
  const conf = path.join(w.dir, 'resolv.conf')
  fs.writeFileSync(conf, `nameserver ${OUTSIDE_IP}\nsearch corp.example\n${options ? `options ${options}\n` : ''}`)
  await w.start(['--resolv-conf', conf])
  return w
}

const run3 = (w: World, net: string, names: string[], extra: string[] = []) =>
  Promise.all(names.map(n => w.ok(['run', '-d', '--name', n, '--network', net, ...extra, '--', 'sleep', '300'])))

t.test('names on a user-defined network', async t => {
  const w = await dnsWorld(t, 'timeout:2')
  await w.ok(['network', 'create', '--subnet', '10.81.0.0/24', 'nasanet'])
  await w.ok(['network', 'create', '--subnet', '10.82.0.0/24', 'other'])
  await w.ok(['run', '-d', '--name', 'c1', '--network', 'nasanet', '--hostname', 'apollo', '--', 'sleep', '300'])
  await run3(w, 'nasanet', ['es1', 'es2', 'es3'], ['--network-alias', 'search'])
  await w.ok(['run', '-d', '--name', 'far', '--network', 'other', '--', 'sleep', '300'])
  const ip = async (n: string) => JSON.parse(await w.ok(['inspect', n]))[0].NetworkSettings.Networks.nasanet.IPAddress as string
  const es = (await Promise.all(['es1', 'es2', 'es3'].map(ip))).sort()
  const c1Id = JSON.parse(await w.ok(['inspect', 'c1']))[0].Id as string

  t.equal(fs.readFileSync(`/etc/netns/${w.ns('c1')}/resolv.conf`, 'utf8'), 'search corp.example\nnameserver 127.0.0.11\noptions timeout:2 ndots:0\n',
    'resolv.conf: host search, 127.0.0.11, host options + ndots:0')
  t.same(await digShort(w, 'es1', 'c1'), [await ip('c1')], 'container name')
  t.same(await digShort(w, 'es1', 'C1.NasaNet'), [await ip('c1')], 'name.network, case-insensitive')
  t.same(await digShort(w, 'es1', c1Id.slice(0, 12)), [await ip('c1')], 'short id')
  t.same(await digShort(w, 'es1', 'apollo'), [await ip('c1')], 'hostname')
  t.same(await digShort(w, 'c1', 'search'), es, 'an alias shared by three containers returns all three')
  t.same(await digShort(w, 'c1', 'search.nasanet'), es, 'alias.network')
  const orders = new Set<string>()
  for (let i = 0; i < 12; i++) orders.add((await dig(w, 'c1', '+short', 'search')).trim())
  t.ok(orders.size > 1, `the order is shuffled per query (${orders.size} orders in 12 queries)`)
  const full = await dig(w, 'c1', 'c1')
  t.match(full, /flags: qr rd ra;/, 'flags qr rd ra, no aa')
  t.match(full, /c1\.\s+600\s+IN\s+A\s+10\.81\.0\.\d+/, 'TTL 600')
  const aaaa = await dig(w, 'c1', 'es1', 'AAAA')
  t.equal(status(aaaa), 'NOERROR')
  t.match(aaaa, /ANSWER: 0,/, 'AAAA for a known name: NOERROR, no answer')
  t.match(await dig(w, 'c1', 'es1', 'MX'), /status: NOERROR.*ANSWER: 0,/s, 'MX for a known name: NOERROR, no answer')
  t.same(await digShort(w, 'c1', '-x', await ip('es2')), ['es2.nasanet.'], 'PTR → name.network.')
  t.same(await digShort(w, 'c1', '+tcp', 'es3'), [await ip('es3')], 'over TCP')
  t.same(await digShort(w, 'c1', 'far'), [], 'a name on another network does not resolve')
  t.same(await digShort(w, 'far', 'c1'), [], '… in either direction')
  t.equal((await w.in(w.ns('c1'), ['ping', '-c1', '-W1', 'es1'])).code, 0, 'ping by name works (the seed scenario)')

  await w.ok(['rm', '-f', 'es3'])
  t.same(await digShort(w, 'c1', 'search'), (await Promise.all(['es1', 'es2'].map(ip))).sort(), 'a removed container is gone at the next query')
  await w.ok(['network', 'connect', '--alias', 'db', 'nasanet', 'far'])
  t.equal((await digShort(w, 'c1', 'db')).length, 1, 'connect --alias: visible at the next query')
  t.equal((await digShort(w, 'c1', 'far')).length, 1, 'and its name too')
  await w.ok(['network', 'disconnect', 'nasanet', 'far'])
  t.same(await digShort(w, 'c1', 'far'), [], 'disconnect: gone at the next query')
})

t.test('forwarding, ndots, internal networks', async t => {
  const w = await dnsWorld(t, 'ndots:1 timeout:2')
  const upstream = await startUpstream(t, w)
  await w.ok(['network', 'create', '--subnet', '10.83.0.0/24', 'pub'])
  await w.ok(['network', 'create', '--internal', '--subnet', '10.84.0.0/24', 'sealed'])
  await w.ok(['run', '-d', '--name', 'web', '--network', 'pub', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'vault', '--network', 'sealed', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'peer', '--network', 'sealed', '--', 'sleep', '300'])
  t.equal(fs.readFileSync(`/etc/netns/${w.ns('web')}/resolv.conf`, 'utf8'), 'search corp.example\nnameserver 127.0.0.11\noptions ndots:1 timeout:2\n',
    'an explicit ndots is kept, no ndots:0 added')

  const out = await dig(w, 'web', UPSTREAM_NAME)
  t.match(out, new RegExp(`${UPSTREAM_NAME.replace(/\./g, '\\.')}\\.\\s+300\\s+IN\\s+A\\s+198\\.51\\.100\\.1`), 'forwarded, the upstream answer relayed (its TTL)')
  t.match(out, /flags: qr aa rd ra;/, 'relayed unchanged (the upstream sets aa)')
  t.same(await digShort(w, 'web', '+tcp', UPSTREAM_NAME), ['198.51.100.1'], 'forwarded over TCP too')
  t.match(upstream.log(), /query\[A\] www\.outside\.example from 198\.51\.100\.1/, 'sent from the container netns, masqueraded to the host address')
  t.equal(status(await dig(w, 'web', 'nosuch.outside.example')), 'NXDOMAIN', 'NXDOMAIN relayed')
  t.match(await dig(w, 'web', 'web', 'TXT'), /status: NXDOMAIN/, 'TXT for a known name is forwarded (oracle §10)')

  const before = upstream.log()
  const single = await dig(w, 'web', 'singlelabel')
  t.equal(status(single), 'NOERROR', 'with an explicit ndots, an unknown single-label name is answered empty…')
  t.equal(upstream.log(), before, '… and not forwarded')

  const started = Date.now()
  const internal = await dig(w, 'vault', UPSTREAM_NAME)
  t.equal(status(internal), 'REFUSED', 'internal network: never forwarded, refused')
  t.ok(Date.now() - started < 1500, 'at once, not after a timeout')
  t.notMatch(upstream.log(), /from 10\.84/, 'the upstream never saw the internal network')
  t.equal((await digShort(w, 'vault', 'peer')).length, 1, 'names still resolve on an internal network')
})

t.test('the default bridge has no name service; --link writes /etc/hosts', async t => {
  const w = await dnsWorld(t, 'timeout:2')
  await w.ok(['run', '-d', '--name', 'db2', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'app', '--link', 'db2:dbalias', '--', 'sleep', '300'])
  const db2 = JSON.parse(await w.ok(['inspect', 'db2']))[0]
  t.equal(fs.readFileSync(`/etc/netns/${w.ns('app')}/resolv.conf`, 'utf8'), `search corp.example\nnameserver ${OUTSIDE_IP}\noptions timeout:2\n`,
    'the host resolv.conf (upstreams), not 127.0.0.11')
  t.match(await dig(w, 'app', 'db2'), /timed out|connection refused|no servers/, 'nothing answers at 127.0.0.11')
  const hosts = (await w.in(w.ns('app'), ['cat', '/etc/hosts'])).stdout
  t.match(hosts, new RegExp(`${db2.NetworkSettings.IPAddress}\\tdbalias ${db2.Id.slice(0, 12)} db2\\n`), '--link line as Docker writes it')
  t.equal((await w.in(w.ns('app'), ['ping', '-c1', '-W1', 'dbalias'])).code, 0, 'the link alias resolves through /etc/hosts')
  t.equal((await w.in(w.ns('db2'), ['ping', '-c1', '-W1', 'app'])).code, 2, 'the other way it does not (no name service on the default bridge)')
  const bad = await w.cli(['run', '-d', '--name', 'x2', '--link', 'nosuch', '--', 'true'])
  t.match(bad.stderr, /could not get container for nosuch/)
  await w.ok(['network', 'create', 'usernet'])
  await w.ok(['run', '-d', '--name', 'elsewhere', '--network', 'usernet', '--', 'sleep', '300'])
  t.match((await w.cli(['run', '-d', '--name', 'x3', '--link', 'elsewhere', '--', 'true'])).stderr, /cannot link to elsewhere: it is not on the default bridge network/)
  t.match((await w.cli(['run', '-d', '--name', 'x4', '--network-alias', 'nope', '--', 'true'])).stderr,
    /network-scoped alias is supported only for containers in user defined networks/, 'aliases need a user-defined network')
})

t.test('after a daemon restart the resolver is back, on the same 127.0.0.11:53', async t => {
  const w = await dnsWorld(t, '')
  await w.ok(['network', 'create', '--subnet', '10.86.0.0/24', 'rs'])
  await run3(w, 'rs', ['r1', 'r2', 'r3'])
  await w.stop()
  t.match(await dig(w, 'r1', 'r2'), /timed out|no servers/, 'no answers while berthd is down')
  await w.start(['--resolv-conf', path.join(w.dir, 'resolv.conf')])
  t.equal((await digShort(w, 'r1', 'r2')).length, 1, 'answers again after the restart')
  const bind = await w.in(w.ns('r1'), ['socat', '-T1', 'UDP-LISTEN:53,reuseaddr', 'SYSTEM:true'])
  t.notMatch(bind.stderr, /Address already in use/, "the container's own port 53 stays free for its programs")
})
