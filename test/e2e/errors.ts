// Every bad input gets a clear message and a non-zero exit code, and leaves
// nothing behind (compared with a snapshot taken before).
import t from 'tap'
import { CLI, cannotRun, run, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** [argv, expected stderr, expected exit code] */
type Case = readonly [readonly string[], RegExp, number?]

const networkCases: Case[] = [
  [['network', 'create', '--subnet', '10.1.0.0/33', 'bad'], /invalid subnet "10\.1\.0\.0\/33": expected an IPv4 CIDR/],
  [['network', 'create', '--subnet', 'banana', 'bad'], /invalid subnet "banana"/],
  [['network', 'create', '--subnet', '10.2.0.0/16', '--gateway', '10.3.0.1', 'bad'], /gateway 10\.3\.0\.1 is not a usable address of subnet 10\.2\.0\.0\/16/],
  [['network', 'create', '--subnet', '10.2.0.0/16', '--ip-range', '10.9.0.0/24', 'bad'], /IP range 10\.9\.0\.0\/24 is not inside subnet/],
  [['network', 'create', '--subnet', '172.18.0.0/16', 'bad'], /subnet 172\.18\.0\.0\/16 overlaps with network taken \(172\.18\.0\.0\/16\)/],
  [['network', 'create', '--subnet', '172.18.128.0/24', 'bad'], /overlaps with network taken/],
  [['network', 'create', '--subnet', '198.51.100.0/25', 'bad'], /overlaps with a route of the host \(198\.51\.100\.0\/24 dev eth0\)/],
  [['network', 'create', '--subnet', '172.17.5.0/24', 'bad'], /overlaps with network bridge/],
  [['network', 'create', 'taken'], /network with name taken already exists/],
  [['network', 'create', 'bridge'], /network with name bridge already exists/],
  [['network', 'create', '-o', 'com.docker.network.bridge.name=averyveryverylongname', 'bad'], /bridge name "averyveryverylongname" is too long: the kernel allows at most 15 characters/],
  [['network', 'create', '-o', 'com.docker.network.driver.mtu=12', 'bad'], /invalid MTU "12"/],
  [['network', 'create', '-d', 'overlay', 'bad'], /network driver "overlay" is not supported/],
  [['network', 'create', 'bad/name'], /invalid network name "bad\/name"/],
  [['network', 'rm', 'nosuch'], /network nosuch not found/],
  [['network', 'inspect', 'nosuch'], /Error: No such network: nosuch/],
  [['network', 'rm', 'taken'], /network taken id [0-9a-f]{64} has active endpoints \(user, idle\)/],
  [['network', 'connect', 'nosuch', 'user'], /network nosuch not found/],
  [['network', 'connect', 'taken', 'nosuch'], /container nosuch not found/],
]

const containerCases: Case[] = [
  [['run', '-d', '--name', 'xx', '--network', 'nosuch', '--', 'true'], /network nosuch not found/, 125],
  [['run', '-d', '--name', 'user', '--network', 'taken', '--', 'true'], /The container name "\/user" is already in use by container "[0-9a-f]{64}"/, 125],
  [['run', '-d', '--name', 'xx', '--network', 'taken', '--ip', '10.99.0.5', '--', 'true'], /IP address 10\.99\.0\.5 is outside subnet 172\.18\.0\.0\/16 of network taken/, 125],
  [['run', '-d', '--name', 'xx', '--network', 'taken', '--ip', '172.18.0.2', '--', 'true'], /Address already in use: 172\.18\.0\.2 on network taken/, 125],
  [['run', '-d', '--name', 'xx', '--network', 'taken', '--ip', '172.18.0.1', '--', 'true'], /Address already in use: 172\.18\.0\.1/, 125],
  [['run', '-d', '--name', 'xx', '--network', 'taken', '--ip', 'nope', '--', 'true'], /invalid IPv4 address "nope"/, 125],
  [['run', '-d', '--name', 'xx', '--network', 'auto', '--ip', '172.19.0.9', '--', 'true'], /user specified IP address is supported only when connecting to networks with user configured subnets/, 125],
  [['run', '-d', '--name', 'bad name', '--', 'true'], /invalid container name "bad name"/, 125],
  [['run', '-d', '--name', 'x'.repeat(200), '--', 'true'], /container name is too long/, 125],
  [['run', '-d', '--', 'true'], /a container name is required/, 125],
  [['run', '-d', '--name', 'xx', '--hostname', '-bad-', '--', 'true'], /invalid hostname "-bad-"/, 125],
  [['run', '-d', '--name', 'xx', '--network', 'container:nosuch', '--', 'true'], /container nosuch not found/, 125],
  [['run', '-d', '--name', 'xx', '--network', 'none', '--network', 'taken', '--', 'true'], /container cannot be connected to network endpoints taken in none mode/, 125],
  [['run', '-d', '--name', 'xx', '--mac-address', '03:00:00:00:00:01', '--', 'true'], /invalid MAC address "03:00:00:00:00:01"/, 125],
  [['run', '-d', '--name', 'xx', '--network', 'taken', '--network', 'taken', '--', 'true'], /network taken is given twice/, 125],
  [['start', 'idle'], /No command specified for container idle/],
  [['rm', 'nosuch'], /container nosuch not found/],
  [['exec', 'nosuch', '--', 'true'], /container nosuch not found/],
  [['inspect', 'nosuch'], /Error: No such container: nosuch/],
]

t.test('bad input is refused and leaves nothing behind', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '172.18.0.0/16', 'taken'])
  await w.ok(['network', 'create', 'auto'])
  await w.ok(['run', '-d', '--name', 'user', '--network', 'taken', '--', 'sleep', '300'])
  await w.ok(['create', '--name', 'idle', '--network', 'taken'])
  const before = w.snapshot()
  const networks = await w.ok(['network', 'ls'])
  for (const [argv, message, code] of [...networkCases, ...containerCases]) {
    const r = await w.cli(argv)
    t.equal(r.code, code ?? 1, `exit code of berth ${argv.join(' ')}`)
    t.match(r.stderr, message, `message of berth ${argv.join(' ')}`)
  }
  t.same(w.snapshot(), before, 'nothing was created or removed by the refused requests')
  t.equal(await w.ok(['network', 'ls']), networks, 'the networks are unchanged')
  t.match(await w.ok(['ps', '-a']), /user.*\n.*idle|idle.*\n.*user/s, 'the containers are unchanged')
})

t.test('an unreachable daemon is reported with how to start it', async t => {
  const w = await world(t, { start: false })
  const r = await w.cli(['network', 'ls'])
  t.equal(r.code, 1)
  t.match(r.stderr, /Cannot connect to the berth daemon at unix:\/\/.*berth\.sock\. Is berthd running\? Start it with "sudo npm start"/)
  const badHost = await w.cli(['-H', 'tcp://1.2.3.4:2375', 'network', 'ls'])
  t.match(badHost.stderr, /only unix:\/\/\/path\/to\/socket/)
})

t.test('the CLI finds the daemon through BERTH_HOST', async t => {
  const w = await world(t)
  const r = await run(['env', `BERTH_HOST=unix://${w.socket}`, process.execPath, CLI, 'network', 'ls'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /\bbridge\s+bridge\s+local\b/)
  const wrong = await run(['env', 'BERTH_HOST=unix:///nonexistent/berth.sock', process.execPath, CLI, 'network', 'ls'])
  t.match(wrong.stderr, /Cannot connect to the berth daemon at unix:\/\/\/nonexistent\/berth\.sock/, 'and reports that address when nothing answers')
})

t.test('a second daemon on the same exec root is refused', async t => {
  const w = await world(t)
  const again = await run(['nsenter', `--net=/run/netns/${w.host}`, ...w.daemonArgv()])
  t.equal(again.code, 1, 'the second daemon exits 1')
  t.match(again.stderr, /berthd: another berthd \(pid \d+\) is running/)
  t.equal((await w.cli(['network', 'ls'])).code, 0, 'the first one still serves')
})
