/**
 * parseContainerCreate, the network mode: networks (one or several), none,
 * host, container:<name|id>, and --mac-address (parse-container.ts has the
 * rest of the request).
 */
import tap from 'tap'
import { formatIpv4 } from '../../../src/model/ipv4.js'
import { type NetworkModeRequest, parseConnect, parseContainerCreate } from '../../../src/model/parse-container.js'

const invalid = (code: string, message?: RegExp) => ({
  name: 'BerthError',
  kind: 'InvalidParameter',
  code,
  ...(message ? { message } : {}),
})
const modeOf = (body: unknown): NetworkModeRequest => parseContainerCreate('cc', body).mode
const net = (network: string, over: { ip?: number; aliases?: string[]; mac?: string } = {}) => ({
  network,
  ip: over.ip,
  aliases: over.aliases ?? [],
  mac: over.mac,
})

tap.test('none, host and container:X by NetworkMode', async t => {
  t.strictSame(modeOf({ HostConfig: { NetworkMode: 'none' } }), { kind: 'none' })
  t.strictSame(modeOf({ HostConfig: { NetworkMode: 'host' } }), { kind: 'host' })
  t.strictSame(modeOf({ HostConfig: { NetworkMode: 'container:web' } }), { kind: 'container', container: 'web' })
  t.strictSame(modeOf({ HostConfig: { NetworkMode: 'container:0123abcd' } }), { kind: 'container', container: '0123abcd' })
  t.strictSame(modeOf({ HostConfig: { NetworkMode: 'container:a:b' } }), { kind: 'container', container: 'a:b' }, 'everything after the first colon')
  t.throws(() => modeOf({ HostConfig: { NetworkMode: 'container:' } }), invalid('E_NETWORK_MODE', /needs a container name or id/))
})

tap.test('the mode may come from EndpointsConfig alone, and its own entry is not an extra network', async t => {
  t.strictSame(modeOf({ NetworkingConfig: { EndpointsConfig: { host: {} } } }), { kind: 'host' })
  t.strictSame(modeOf({ NetworkingConfig: { EndpointsConfig: { none: {} } } }), { kind: 'none' })
  t.strictSame(modeOf({ HostConfig: { NetworkMode: 'host' }, NetworkingConfig: { EndpointsConfig: { host: {} } } }), { kind: 'host' })
  t.strictSame(modeOf({ HostConfig: { NetworkMode: '' }, NetworkingConfig: { EndpointsConfig: { none: {} } } }), { kind: 'none' }, 'blank mode')
})

tap.test('none, host and container modes refuse further networks with Docker’s message', async t => {
  const cases: [string, string][] = [
    ['none', 'none'],
    ['host', 'host'],
    ['container:web', 'container'],
  ]
  for (const [mode, what] of cases) {
    t.throws(
      () => modeOf({ HostConfig: { NetworkMode: mode }, NetworkingConfig: { EndpointsConfig: { [mode]: {}, a: {}, b: {} } } }),
      invalid('E_MULTI_NETWORK', new RegExp(`^container cannot be connected to network endpoints a, b in ${what} mode$`)),
      mode,
    )
    t.throws(
      () => modeOf({ HostConfig: { NetworkMode: mode }, NetworkingConfig: { EndpointsConfig: { bridge: {} } } }),
      invalid('E_MULTI_NETWORK', /endpoints bridge in/),
      `${mode} with bridge`,
    )
  }
})

tap.test('networks: the mode’s network first, then every other EndpointsConfig entry in order', async t => {
  t.strictSame(modeOf({}), { kind: 'networks', attach: [net('bridge')] })
  t.strictSame(modeOf({ HostConfig: { NetworkMode: 'default' } }), { kind: 'networks', attach: [net('bridge')] })
  t.strictSame(modeOf({ HostConfig: { NetworkMode: 'nasanet' } }), { kind: 'networks', attach: [net('nasanet')] })
  t.strictSame(modeOf({ NetworkingConfig: { EndpointsConfig: { a: {}, b: {}, c: {} } } }), {
    kind: 'networks',
    attach: [net('a'), net('b'), net('c')],
  })
  const mixed = modeOf({
    HostConfig: { NetworkMode: 'b' },
    NetworkingConfig: { EndpointsConfig: { a: { Aliases: ['X'] }, b: { IPAMConfig: { IPv4Address: '10.0.0.5' } }, c: {} } },
  })
  t.strictSame(
    mixed.kind === 'networks' && mixed.attach.map(a => [a.network, a.ip === undefined ? undefined : formatIpv4(a.ip), a.aliases]),
    [
      ['b', '10.0.0.5', []],
      ['a', undefined, ['x']],
      ['c', undefined, []],
    ],
    'NetworkMode first with its own settings; the others keep theirs',
  )
  for (const key of ['default', 'bridge']) {
    const m = modeOf({ HostConfig: { NetworkMode: 'default' }, NetworkingConfig: { EndpointsConfig: { [key]: {}, other: {} } } })
    t.strictSame(m, { kind: 'networks', attach: [net('bridge'), net('other')] }, `default mode, entry keyed ${key}: not given twice`)
  }
  t.throws(
    () => modeOf({ NetworkingConfig: { EndpointsConfig: { a: { IPAMConfig: { IPv4Address: '1.2.3' } }, b: {} } } }),
    invalid('E_BAD_IP'),
  )
  t.throws(
    () => modeOf({ NetworkingConfig: { EndpointsConfig: { a: {}, b: { Aliases: ['bad_alias'] } } } }),
    invalid('E_HOSTNAME'),
    'a later network’s settings are checked too',
  )
})

tap.test('--mac-address: per endpoint, or the container-wide one for the first network only', async t => {
  const first = (m: NetworkModeRequest) => (m.kind === 'networks' ? m.attach.map(a => a.mac) : undefined)
  t.strictSame(first(modeOf({ MacAddress: '02:42:AC:11:00:99' })), ['02:42:ac:11:00:99'], 'lower-cased')
  t.strictSame(first(modeOf({ MacAddress: '' })), [undefined], 'empty: Docker’s own')
  t.strictSame(
    first(modeOf({ MacAddress: '02:00:00:00:00:01', NetworkingConfig: { EndpointsConfig: { a: {}, b: {} } } })),
    ['02:00:00:00:00:01', undefined],
    'the container-wide one is the first network’s',
  )
  t.strictSame(
    first(modeOf({
      MacAddress: '02:00:00:00:00:01',
      NetworkingConfig: { EndpointsConfig: { a: { MacAddress: '02:00:00:00:00:0a' }, b: { MacAddress: '02:00:00:00:00:0b' } } },
    })),
    ['02:00:00:00:00:0a', '02:00:00:00:00:0b'],
    'an endpoint’s own wins',
  )
  for (const bad of ['01:00:5e:00:00:01', '03:00:00:00:00:01', 'ff:ff:ff:ff:ff:ff', '02:42:ac:11:00', '02-42-ac-11-00-02', '02:42:ac:11:00:0g', 'x']) {
    t.throws(() => modeOf({ MacAddress: bad }), invalid('E_MAC', /expected a unicast/), bad)
    t.throws(() => modeOf({ NetworkingConfig: { EndpointsConfig: { a: { MacAddress: bad } } } }), invalid('E_MAC'), `endpoint ${bad}`)
  }
  t.strictSame(parseConnect('n', { Container: 'web', EndpointConfig: { MacAddress: '02:AA:00:00:00:01' } }).attach.mac, '02:aa:00:00:00:01', 'connect too')
  t.throws(() => parseConnect('n', { Container: 'web', EndpointConfig: { MacAddress: '01:00:00:00:00:00' } }), invalid('E_MAC'))
  t.throws(() => modeOf({ MacAddress: 2 }), invalid('E_BAD_REQUEST'))
})
