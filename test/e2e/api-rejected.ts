// Nothing is changed by a rejected request: against a real daemon in its
// own world, every kind of refused request (body too large, not JSON, wrong
// types, unknown or unsupported fields, bad query parameters, paths that
// escape, garbage, alien HTTP, bad exec starts) leaves the containers, the
// networks, the state files, the nft ruleset and the links exactly as they
// were, and the daemon still answers.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { httpText, raw } from '../helpers/raw-http.js'
import { type World, cannotRun, sh, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** Every file under `dir`, with its content. */
const files = (dir: string): Record<string, string> =>
  Object.fromEntries(
    fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter(e => e.isFile())
      .map(e => path.join(e.parentPath, e.name))
      .sort()
      .map(f => [path.relative(dir, f), fs.readFileSync(f, 'utf8')]),
  )

/** What a rejected request must not change; uptimes masked. */
const observe = async (w: World) => ({
  kernel: w.snapshot(),
  // The bridges' timers tick; they are not objects.
  hostLinks: sh(['ip', '-n', w.host, '-d', 'link']).stdout.replace(/_timer\s+[\d.]+/g, '_timer T'),
  containerLinks: sh(['ip', '-n', w.ns('c1'), '-d', 'addr']).stdout,
  ps: (await w.ok(['ps', '-a'])).replace(/Up (Less than a second|About an? \w+|\d+ \w+)/g, 'Up T').replace(/ +/g, ' '),
  networks: await w.ok(['network', 'ls']),
  inspectNetwork: await w.ok(['network', 'inspect', 'kept', 'spare']),
  inspectContainers: await w.ok(['inspect', 'c1', 'c2']),
  state: files(w.dataRoot),
})

/** [what, request bytes, expected status (undefined: closed without one)] */
type Case = readonly [string, string | Buffer, number | undefined]

const post = (p: string, body: string, headers: Record<string, string> = {}) => httpText('POST', p, body, { Connection: 'close', ...headers })
const bodyRoutes = ['/networks/create', '/networks/kept/connect', '/networks/kept/disconnect', '/containers/create?name=new', '/containers/c1/exec']

const cases = (execId: string): Case[] => [
  // Bodies
  ...bodyRoutes.flatMap((p): Case[] => [
    [`${p}: not JSON`, post(p, '{"Name":'), 400],
    [`${p}: not an object`, post(p, '["Name"]'), 400],
    [`${p}: a form`, post(p, 'Name=x', { 'Content-Type': 'application/x-www-form-urlencoded' }), 400],
    [`${p}: too deep`, post(p, '{"a":' + '['.repeat(200) + ']'.repeat(200) + '}'), 400],
    [`${p}: declared too large`, httpText('POST', p, undefined, { 'Content-Type': 'application/json', 'Content-Length': String(2 << 20) }), 413],
    [`${p}: too large`, post(p, `{"Name":"big","Labels":{"x":"${'a'.repeat(1 << 20)}"}}`), 413],
  ]),
  ['network create: wrong type', post('/networks/create', '{"Name":"n1","Internal":"yes"}'), 400],
  ['network create: unknown field', post('/networks/create', '{"Name":"n1","Subnet":"10.5.0.0/16"}'), 400],
  ['network create: unsupported', post('/networks/create', '{"Name":"n1","Scope":"swarm"}'), 400],
  ['network create: wrong IPAM type', post('/networks/create', '{"Name":"n1","IPAM":{"Config":[{"Subnet":10}]}}'), 400],
  ['container create: wrong type', post('/containers/create?name=n2', '{"Cmd":"sleep 1"}'), 400],
  ['container create: unknown field', post('/containers/create?name=n2', '{"Cmd":["true"],"HostConfig":{"NetworkMod":"none"}}'), 400],
  ['container create: unsupported', post('/containers/create?name=n2', '{"Cmd":["true"],"Image":"busybox"}'), 400],
  ['container create: bad platform', post('/containers/create?name=n2&platform=arm', '{}'), 400],
  ['connect: wrong type', post('/networks/spare/connect', '{"Container":7}'), 400],
  ['connect: unknown field', post('/networks/spare/connect', '{"Container":"c2","Alias":"x"}'), 400],
  ['connect: unsupported', post('/networks/spare/connect', '{"Container":"c2","EndpointConfig":{"Links":["c1:c1"]}}'), 400],
  ['disconnect: wrong type', post('/networks/kept/disconnect', '{"Container":"c1","Force":"yes"}'), 400],
  ['disconnect: unknown field', post('/networks/kept/disconnect', '{"Container":"c1","force":true}'), 400],
  ['exec: wrong type', post('/containers/c1/exec', '{"Cmd":"touch /tmp/x"}'), 400],
  ['exec: unsupported', post('/containers/c1/exec', '{"Cmd":["true"],"User":"nobody"}'), 400],
  // Query parameters
  ['remove with force=maybe', httpText('DELETE', '/containers/c1?force=maybe', undefined, { Connection: 'close' }), 400],
  ['remove a link', httpText('DELETE', '/containers/c2?link=1', undefined, { Connection: 'close' }), 400],
  ['network remove in swarm scope', httpText('DELETE', '/networks/spare?scope=swarm', undefined, { Connection: 'close' }), 400],
  ['prune with filters', post('/networks/prune?filters=%7B%22label%22%3A%5B%22x%22%5D%7D', ''), 400],
  ['prune with broken filters', post('/networks/prune?filters=%7B', ''), 400],
  ['list with limit=NaN', httpText('GET', '/containers/json?limit=NaN', undefined, { Connection: 'close' }), 400],
  ['list with limit=-5', httpText('GET', '/containers/json?limit=-5', undefined, { Connection: 'close' }), 400],
  ['logs with tail=-1', httpText('GET', '/containers/c1/logs?tail=-1', undefined, { Connection: 'close' }), 400],
  ['wait for whatever', post('/containers/c1/wait?condition=whenever', ''), 400],
  // Paths
  ['a path escaping the API', httpText('DELETE', '/containers/../../networks/spare', undefined, { Connection: 'close' }), 400],
  ['an encoded path escaping the API', httpText('DELETE', '/containers/%2e%2e/networks/spare', undefined, { Connection: 'close' }), 400],
  ['an encoded traversal', httpText('DELETE', '/networks/..%2fspare', undefined, { Connection: 'close' }), 404],
  ['broken percent-encoding', httpText('DELETE', '/containers/%E0%A4%A', undefined, { Connection: 'close' }), 400],
  // Not HTTP, or not ours
  ['garbage', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 31 + 7) % 256)), 400],
  ['a huge header', httpText('DELETE', '/networks/spare', undefined, { 'X-Big': 'a'.repeat(64 * 1024) }), 431],
  ['an HTTP/0.9 line', 'DELETE /networks/spare\r\n\r\n', 505],
  ['an unknown method', 'ZAP /networks/spare HTTP/1.1\r\nHost: berth\r\n\r\n', 400],
  ['a method no route has', httpText('PUT', '/networks/spare', '{}', { Connection: 'close' }), 405],
  ['smuggling through a lying length', httpText('GET', '/_ping', '', { 'Content-Length': '0' }) + 'DELETE /networks/spare HTTP/1.1\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n', 200],
  // Exec starts that must not run the command
  ...(['{"Detach":true}', '{"Stdin":true}', '{"Detach":"no"}', '{'] as const).map((b): Case => [
    `exec start ${b}`,
    httpText('POST', `/exec/${execId}/start`, b, { Connection: 'Upgrade', Upgrade: 'tcp' }),
    400,
  ]),
  ['exec start too large', httpText('POST', `/exec/${execId}/start`, undefined, { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Length': String(1 << 20) }), 413],
]

t.test('rejected requests change nothing', async t => {
  const w = await world(t)
  await w.ok(['network', 'create', '--subnet', '10.66.0.0/24', 'kept'])
  await w.ok(['network', 'create', 'spare'])
  await w.ok(['run', '-d', '--name', 'c1', '--network', 'kept', '--', 'sleep', '300'])
  await w.ok(['create', '--name', 'c2', '--network', 'kept'])
  const marker = path.join(w.dir, 'exec-ran')
  const exec = await raw(w.socket, post('/containers/c1/exec', JSON.stringify({ Cmd: ['touch', marker] })))
  t.equal(exec.status, 201, 'an exec instance to start badly')
  const before = await observe(w)

  for (const [what, bytes, status] of cases(exec.json.Id)) {
    const r = await raw(w.socket, bytes, { timeoutMs: 5000 })
    t.equal(r.status, status, `${what} → ${status}`)
    if (status !== undefined && status >= 400) t.type(r.json?.message, 'string', `${what}: {"message": …}`)
  }
  // A slow client that gives up halfway through its body.
  const slow = await raw(w.socket, httpText('DELETE', '/networks/spare', undefined, { 'Content-Length': '10' }) + '{', { trickleMs: 50, destroyAfterMs: 300 })
  t.equal(slow.status, undefined, 'a client that leaves mid-body gets nothing')

  t.notOk(fs.existsSync(marker), 'no refused exec start ran its command')
  t.same(await observe(w), before, 'containers, networks, state files, nft ruleset and links are unchanged')
  t.equal((await raw(w.socket, httpText('GET', '/_ping', undefined, { Connection: 'close' }))).status, 200, 'the daemon still answers')
  t.notMatch(w.daemonLog(), /"level":50/, 'and logged no error')
})
