/**
 * buildSandbox: what it refuses before any kernel change (exact Docker-like
 * messages), Docker's warnings for discarded ports, and where ports can be
 * published (canPublish).
 */
import fs from 'node:fs'
import path from 'node:path'
import tap, { type Test } from 'tap'
import type { ContainerCreateRequest } from '../../../src/model/parse-container.js'
import { buildSandbox } from '../../../src/service/sandbox-spec.js'
import { CB, HOSTNET, NEW_ID, PORT, STARTING, STATE, WEB, ctxWith, networks, request } from './fixtures/sandbox-world.js'


const build = (t: Test, req: ContainerCreateRequest, existing: string[] = []) => buildSandbox(ctxWith(t.testdir({}), existing), STATE, req, NEW_ID)
const refuses = (t: Test, req: ContainerCreateRequest, want: { kind: string; code: string; message?: string | RegExp }, existing: string[] = []) =>
  t.throws(() => build(t, req, existing), { name: 'BerthError', ...want }, `${want.code}: ${req.name}`)

tap.test('a name in use is a Conflict with Docker’s message, whatever state the holder is in', async t => {
  refuses(t, request('web', networks('bridge')), {
    kind: 'Conflict',
    code: 'E_NAME_IN_USE',
    message: `Conflict. The container name "/web" is already in use by container "${WEB.id}". You have to remove (or rename) that container to be able to reuse that name.`,
  })
  refuses(t, request('starting', { kind: 'none' }), { kind: 'Conflict', code: 'E_NAME_IN_USE', message: new RegExp(STARTING.id) })
  refuses(t, request('hostnet', { kind: 'host' }), { kind: 'Conflict', code: 'E_NAME_IN_USE' })
})

tap.test('a netns (or /etc/netns dir) of that name that is not berth’s is refused', async t => {
  const message = "network namespace bt1-db1 (or /etc/netns/bt1-db1) already exists and is not this berth's; remove it or choose another name"
  for (const mode of [networks('bridge'), { kind: 'none' } as const]) {
    refuses(t, request('db1', mode), { kind: 'Conflict', code: 'E_NETNS_EXISTS', message }, ['bt1-db1'])
    const etc = t.testdir({ 'bt1-db1': {} })
    t.throws(() => buildSandbox(ctxWith(etc), STATE, request('db1', mode), NEW_ID), { code: 'E_NETNS_EXISTS' }, `${mode.kind}: /etc/netns`)
    t.ok(fs.existsSync(path.join(etc, 'bt1-db1')), 'and nothing of it is touched')
  }
  t.doesNotThrow(() => build(t, request('db1', networks('bridge')), ['bt1-db2', 'db1']), 'only the exact prefixed name counts')
})

tap.test('host and container modes make no netns: a same-named one does not matter', async t => {
  t.doesNotThrow(() => buildSandbox(ctxWith(t.testdir({ 'bt1-h9': {} }), ['bt1-h9']), STATE, request('h9', { kind: 'host' }), NEW_ID))
  t.doesNotThrow(() => buildSandbox(ctxWith(t.testdir({ 'bt1-s9': {} }), ['bt1-s9']), STATE, request('s9', { kind: 'container', container: 'web' }), NEW_ID))
})

tap.test('container:X refusals', async t => {
  refuses(t, request('s1', { kind: 'container', container: 'nope' }), { kind: 'NotFound', code: 'E_CONTAINER_NOT_FOUND', message: 'container nope not found' })
  refuses(t, request('s2', { kind: 'container', container: 'starting' }), {
    kind: 'Conflict',
    code: 'E_NETWORK_MODE',
    message: 'cannot join the network namespace of container starting',
  })
  refuses(t, request('s3', { kind: 'container', container: HOSTNET.id }), {
    kind: 'Conflict',
    code: 'E_NETWORK_MODE',
    message: 'cannot join the network namespace of container hostnet',
  })
  refuses(t, request('s4', { kind: 'container', container: 'web' }, { ports: [PORT] }), {
    kind: 'InvalidParameter',
    code: 'E_NETWORK_MODE',
    message: 'conflicting options: port publishing and the container type network mode',
  })
  // The owner is checked before the ports.
  refuses(t, request('s5', { kind: 'container', container: 'starting' }, { ports: [PORT] }), { kind: 'Conflict', code: 'E_NETWORK_MODE' })
  const removing = { ...STATE, containers: STATE.containers.map(c => (c.id === WEB.id ? { ...c, status: 'removing' as const } : c)) }
  t.throws(() => buildSandbox(ctxWith(t.testdir({})), removing, request('s6', { kind: 'container', container: 'web' }), NEW_ID),
    { kind: 'NotFound', code: 'E_CONTAINER_NOT_FOUND' }, 'an owner being removed is gone')
})

tap.test('networks mode refusals', async t => {
  refuses(t, request('m1', networks('nope')), { kind: 'NotFound', code: 'E_NETWORK_NOT_FOUND', message: 'network nope not found' })
  refuses(t, request('m2', networks('pending')), { kind: 'Conflict', code: 'E_NETWORK_BUSY', message: 'network pending is still being created' })
  refuses(t, request('m3', networks('custombridge', 'bridge', 'custombridge')), {
    kind: 'InvalidParameter',
    code: 'E_DUPLICATE_NETWORK',
    message: 'network custombridge is given twice',
  })
  const byIdAndName = request('m4', { kind: 'networks', attach: [{ network: CB.endpoints[0]?.networkId ?? '', aliases: [] }, { network: 'custombridge', aliases: [] }] })
  refuses(t, byIdAndName, { code: 'E_DUPLICATE_NETWORK', kind: 'InvalidParameter' })
})

tap.test('--link: to a container on the default bridge only', async t => {
  const linked = build(t, request('l1', networks('bridge'), { links: [{ container: 'web', alias: 'www' }, { container: WEB.id.slice(0, 8), alias: WEB.id.slice(0, 8) }] }))
  t.strictSame(linked.container.links, [{ container: 'web', alias: 'www' }, { container: 'web', alias: 'web' }],
    'the target’s name; an alias equal to the reference becomes the name')
  refuses(t, request('l2', networks('bridge'), { links: [{ container: 'nope', alias: 'x' }] }), {
    kind: 'InvalidParameter',
    code: 'E_LINK',
    message: 'could not get container for nope: no such container',
  })
  refuses(t, request('l3', networks('bridge'), { links: [{ container: 'cb1', alias: 'cb' }] }), {
    kind: 'InvalidParameter',
    code: 'E_LINK',
    message: 'cannot link to cb1: it is not on the default bridge network',
  })
})

tap.test('ports in host or none mode: discarded with Docker’s warning', async t => {
  const host = build(t, request('p1', { kind: 'host' }, { ports: [PORT] }))
  t.strictSame(host.warnings, ['Published ports are discarded when using host network mode'])
  t.equal(host.canPublish, false)
  const none = build(t, request('p2', { kind: 'none' }, { ports: [PORT] }))
  t.strictSame(none.warnings, ['Published ports are discarded when using none network mode'])
  t.equal(none.canPublish, false)
  t.strictSame(build(t, request('p3', { kind: 'host' })).warnings, [], 'no ports, no warning')
  t.strictSame(build(t, request('p4', { kind: 'none' })).warnings, [])
})

tap.test('ports on an internal, macvlan or ipvlan first network: discarded with a warning', async t => {
  const cases = [
    ['secret', 'Published ports are discarded on internal networks'],
    ['macnet', 'Published ports are discarded on macvlan networks'],
    ['ipnet', 'Published ports are discarded on ipvlan networks'],
  ] as const
  for (const [net, warning] of cases) {
    const spec = build(t, request(`q-${net}`, networks(net), { ports: [PORT] }))
    t.strictSame(spec.warnings, [warning], net)
    t.equal(spec.canPublish, false, `${net}: nowhere to publish`)
    const quiet = build(t, request(`r-${net}`, networks(net)))
    t.strictSame([quiet.warnings, quiet.canPublish], [[], false], `${net} without ports: no warning, still nowhere to publish`)
  }
})

tap.test('ports on a bridge network: published, no warning', async t => {
  for (const nets of [['bridge'], ['custombridge'], ['custombridge', 'secret']]) {
    const spec = build(t, request(`b-${nets.join('-')}`, networks(...nets), { ports: [PORT] }))
    t.strictSame([spec.warnings, spec.canPublish], [[], true], nets.join(','))
  }
})
