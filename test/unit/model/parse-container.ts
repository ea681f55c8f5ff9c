import tap from 'tap'
import { formatIpv4 } from '../../../src/model/ipv4.js'
import { type AttachRequest, type ContainerCreateRequest, parseConnect, parseContainerCreate, parseDisconnect, parseExec } from '../../../src/model/parse-container.js'

const invalid = (code: string, message?: RegExp) => ({
  name: 'BerthError',
  kind: 'InvalidParameter',
  code,
  ...(message ? { message } : {}),
})
const ipOf = (n: number | undefined) => (n === undefined ? undefined : formatIpv4(n))
/** The first network of a networks-mode request (parse-container-modes.ts has the modes). */
const attachOf = (r: ContainerCreateRequest): AttachRequest => {
  if (r.mode.kind !== 'networks' || !r.mode.attach[0]) throw new Error(`not a networks mode: ${JSON.stringify(r.mode)}`)
  return r.mode.attach[0]
}

tap.test('parseContainerCreate: defaults', async t => {
  t.strictSame(parseContainerCreate('web', {}), {
    name: 'web',
    hostname: undefined,
    cmd: [],
    mode: { kind: 'networks', attach: [{ network: 'bridge', ip: undefined, aliases: [], mac: undefined }] },
    ports: [],
    links: [],
  })
  t.strictSame(attachOf(parseContainerCreate('web', undefined)), { network: 'bridge', ip: undefined, aliases: [], mac: undefined }, 'no body at all')
  t.strictSame(parseContainerCreate('web', null).cmd, [])
  t.strictSame(attachOf(parseContainerCreate('web', { Cmd: null, HostConfig: null, NetworkingConfig: null })).network, 'bridge')
  t.strictSame(attachOf(parseContainerCreate('web', { HostConfig: { NetworkMode: 'default' } })).network, 'bridge')
})

tap.test('parseContainerCreate: name is required and checked', async t => {
  t.throws(() => parseContainerCreate(undefined, {}), invalid('E_NAME_REQUIRED', /--name/))
  t.throws(() => parseContainerCreate('', {}), invalid('E_NAME_REQUIRED'))
  t.throws(() => parseContainerCreate('-web', {}), invalid('E_NAME_CHARS'))
  t.throws(() => parseContainerCreate('a/b', {}), invalid('E_NAME_CHARS'))
})

tap.test('parseContainerCreate: command and hostname', async t => {
  const r = parseContainerCreate('web', { Hostname: 'apollo', Cmd: ['sleep', 'infinity'] })
  t.equal(r.hostname, 'apollo')
  t.strictSame(r.cmd, ['sleep', 'infinity'])
  t.equal(parseContainerCreate('web', { Hostname: '' }).hostname, undefined, 'empty hostname means the default')
  t.throws(() => parseContainerCreate('web', { Hostname: 'bad_host' }), invalid('E_HOSTNAME'))
})

tap.test('parseContainerCreate: NetworkMode and EndpointsConfig', async t => {
  const byMode = parseContainerCreate('cc', { HostConfig: { NetworkMode: 'nasanet' } })
  t.strictSame(attachOf(byMode), { network: 'nasanet', ip: undefined, aliases: [], mac: undefined })

  // what `docker run --network nasanet --ip 172.18.0.10` sends
  const withIp = parseContainerCreate('cc', {
    HostConfig: { NetworkMode: 'nasanet' },
    NetworkingConfig: { EndpointsConfig: { nasanet: { IPAMConfig: { IPv4Address: '172.18.0.10' }, Aliases: null } } },
  })
  t.equal(attachOf(withIp).network, 'nasanet')
  t.equal(ipOf(attachOf(withIp).ip), '172.18.0.10')

  // EndpointsConfig alone chooses the network
  const byEndpoint = parseContainerCreate('cc', {
    NetworkingConfig: { EndpointsConfig: { custombridge: { IPAMConfig: { IPv4Address: '172.19.0.7' } } } },
  })
  t.equal(attachOf(byEndpoint).network, 'custombridge')
  t.equal(ipOf(attachOf(byEndpoint).ip), '172.19.0.7')

  // mode "default" with the endpoint keyed "default" or "bridge"
  for (const key of ['default', 'bridge']) {
    const r = parseContainerCreate('cc', {
      HostConfig: { NetworkMode: 'default' },
      NetworkingConfig: { EndpointsConfig: { [key]: { IPAMConfig: { IPv4Address: '172.17.0.9' } } } },
    })
    t.equal(attachOf(r).network, 'bridge', `key ${key}`)
    t.equal(ipOf(attachOf(r).ip), '172.17.0.9', `key ${key}`)
  }

  const emptyIp = parseContainerCreate('cc', {
    HostConfig: { NetworkMode: 'n' },
    NetworkingConfig: { EndpointsConfig: { n: { IPAMConfig: { IPv4Address: '' } } } },
  })
  t.equal(attachOf(emptyIp).ip, undefined, 'an empty address means "allocate"')
})

tap.test('parseContainerCreate: bad IP and bad types', async t => {
  for (const ip of ['172.18.0', '172.18.0.300', 'abc', '::1']) {
    t.throws(
      () =>
        parseContainerCreate('cc', {
          HostConfig: { NetworkMode: 'n' },
          NetworkingConfig: { EndpointsConfig: { n: { IPAMConfig: { IPv4Address: ip } } } },
        }),
      invalid('E_BAD_IP'),
      ip,
    )
  }
  for (const body of ['x', [], { Cmd: 'sleep 1' }, { Cmd: [1] }, { Hostname: 5 }, { HostConfig: { NetworkMode: 1 } }]) {
    t.throws(() => parseContainerCreate('cc', body), invalid('E_BAD_REQUEST', /^invalid container create request/), JSON.stringify(body))
  }
})

tap.test('parseContainerCreate: an empty NetworkMode means default', async t => {
  // Docker's runconfig.SetDefaultNetModeIfBlank turns "" into "default".
  t.equal(attachOf(parseContainerCreate('cc', { HostConfig: { NetworkMode: '' } })).network, 'bridge')
})

tap.test('parseContainerCreate: ports from HostConfig.PortBindings', async t => {
  // what `docker run -p 8080:80 -p 127.0.0.1::53/udp -p 9000-9009:90` sends
  const r = parseContainerCreate('web', {
    HostConfig: {
      NetworkMode: 'default',
      PortBindings: {
        '80/tcp': [{ HostIp: '', HostPort: '8080' }],
        '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
        '90/tcp': [{ HostIp: '', HostPort: '9000-9009' }],
      },
    },
  })
  t.strictSame(r.ports, [
    { proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPorts: [8080, 8080] },
    { proto: 'udp', containerPort: 53, hostIp: '127.0.0.1', hostPorts: [0, 0] },
    { proto: 'tcp', containerPort: 90, hostIp: '0.0.0.0', hostPorts: [9000, 9009] },
  ])
  t.equal(attachOf(r).network, 'bridge', 'the network is still chosen as before')
  for (const pb of [null, undefined, {}]) {
    t.strictSame(parseContainerCreate('web', { HostConfig: { PortBindings: pb } }).ports, [], String(JSON.stringify(pb)))
  }
  t.throws(() => parseContainerCreate('web', { HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '::', HostPort: '80' }] } } }), invalid('E_PUBLISH'))
  t.throws(() => parseContainerCreate('web', { HostConfig: { PortBindings: { '0/tcp': [{}] } } }), invalid('E_PORT'))
  for (const pb of [[], { '80/tcp': 'x' }, { '80/tcp': [{ HostPort: 8080 }] }]) {
    t.throws(
      () => parseContainerCreate('web', { HostConfig: { PortBindings: pb } }),
      invalid('E_BAD_REQUEST', /HostConfig\.PortBindings/),
      JSON.stringify(pb),
    )
  }
})

tap.test('parseConnect', async t => {
  t.strictSame(parseConnect('nasanet', { Container: 'web' }), { container: 'web', attach: { network: 'nasanet', ip: undefined, aliases: [], mac: undefined } })
  const r = parseConnect('nasanet', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4Address: '172.18.0.22' } } })
  t.equal(r.container, 'web')
  t.equal(r.attach.network, 'nasanet')
  t.equal(ipOf(r.attach.ip), '172.18.0.22')
  t.equal(parseConnect('n', { Container: 'web', EndpointConfig: null }).attach.ip, undefined)
  t.throws(() => parseConnect('n', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4Address: '1.2.3' } } }), invalid('E_BAD_IP'))
  t.throws(() => parseConnect('n', {}), invalid('E_BAD_REQUEST', /^invalid connect request/))
  t.throws(() => parseConnect('n', { Container: '' }), invalid('E_BAD_REQUEST'))
  t.throws(() => parseConnect('n', undefined), invalid('E_BAD_REQUEST'))
})

tap.test('parseDisconnect', async t => {
  t.strictSame(parseDisconnect({ Container: 'web' }), { container: 'web' })
  t.strictSame(parseDisconnect({ Container: 'web', Force: true }), { container: 'web' })
  t.throws(() => parseDisconnect({ Container: 'web', Force: 'yes' }), invalid('E_BAD_REQUEST', /^invalid disconnect request/))
  t.throws(() => parseDisconnect({ Container: '' }), invalid('E_BAD_REQUEST'))
  t.throws(() => parseDisconnect(null), invalid('E_BAD_REQUEST'))
})

tap.test('parseExec', async t => {
  t.strictSame(parseExec({ Cmd: ['ip', 'addr'] }), { cmd: ['ip', 'addr'] })
  t.throws(() => parseExec({ Cmd: [] }), invalid('E_BAD_REQUEST', /a command is required/))
  t.throws(() => parseExec({}), invalid('E_BAD_REQUEST', /^invalid exec request/))
  t.throws(() => parseExec({ Cmd: 'ip addr' }), invalid('E_BAD_REQUEST'))
})

const createOn = (network: string, Aliases: unknown) =>
  parseContainerCreate('cc', { HostConfig: { NetworkMode: network }, NetworkingConfig: { EndpointsConfig: { [network]: { Aliases } } } })
const connectWith = (Aliases: unknown) => parseConnect('nasanet', { Container: 'web', EndpointConfig: { Aliases } })

tap.test('aliases (--network-alias): lower-cased, deduplicated, in order', async t => {
  // what `docker run --network nasanet --network-alias Web --network-alias db` sends
  t.strictSame(attachOf(createOn('nasanet', ['Web', 'db'])), { network: 'nasanet', ip: undefined, aliases: ['web', 'db'], mac: undefined })
  t.strictSame(attachOf(createOn('nasanet', ['db', 'DB', 'web', 'Db'])).aliases, ['db', 'web'], 'case-insensitive duplicates go')
  t.strictSame(attachOf(createOn('nasanet', ['api.internal', 'x-1'])).aliases, ['api.internal', 'x-1'], 'dotted and hyphenated names')
  t.strictSame(attachOf(createOn('nasanet', null)).aliases, [], 'null: none')
  t.strictSame(attachOf(createOn('nasanet', [])).aliases, [], 'empty: none')
  t.strictSame(
    attachOf(parseContainerCreate('cc', { NetworkingConfig: { EndpointsConfig: { custombridge: { Aliases: ['One'] } } } })),
    { network: 'custombridge', ip: undefined, aliases: ['one'], mac: undefined },
    'the endpoint that chose the network carries them',
  )
  t.strictSame(attachOf(parseContainerCreate('cc', { HostConfig: { NetworkMode: 'nasanet' } })).aliases, [], 'no EndpointsConfig: none')
})

tap.test('aliases (connect --alias): lower-cased, deduplicated', async t => {
  t.strictSame(connectWith(['Api', 'api', 'cache']), { container: 'web', attach: { network: 'nasanet', ip: undefined, aliases: ['api', 'cache'], mac: undefined } })
  t.strictSame(connectWith(null).attach.aliases, [])
  t.strictSame(parseConnect('nasanet', { Container: 'web', EndpointConfig: null }).attach.aliases, [])
  t.strictSame(
    parseConnect('n', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4Address: '172.18.0.22' }, Aliases: ['X'] } }).attach.aliases,
    ['x'],
    'with an address too',
  )
})

tap.test('aliases must be hostnames', async t => {
  for (const bad of ['bad_alias', '-web', 'web-', '', 'a..b', 'a b', 'x'.repeat(64), `${'a.'.repeat(127)}ab`, 'web/1', 'ümlaut']) {
    t.throws(() => createOn('nasanet', ['ok', bad]), invalid('E_HOSTNAME'), `create ${JSON.stringify(bad)}`)
    t.throws(() => connectWith([bad]), invalid('E_HOSTNAME'), `connect ${JSON.stringify(bad)}`)
  }
  t.strictSame(attachOf(createOn('nasanet', ['x'.repeat(63)])).aliases, ['x'.repeat(63)], 'a 63-character label is fine')
  for (const bad of ['web', [1], { a: 'b' }]) {
    t.throws(() => createOn('nasanet', bad), invalid('E_BAD_REQUEST'), `create ${JSON.stringify(bad)}`)
    t.throws(() => connectWith(bad), invalid('E_BAD_REQUEST', /^invalid connect request/), `connect ${JSON.stringify(bad)}`)
  }
})

const linksOf = (Links: unknown) => parseContainerCreate('cc', { HostConfig: { Links } }).links

tap.test('links (--link NAME[:ALIAS]) from HostConfig.Links', async t => {
  t.strictSame(linksOf(['db2']), [{ container: 'db2', alias: 'db2' }], 'NAME: the alias is the name')
  t.strictSame(linksOf(['db2:dbalias']), [{ container: 'db2', alias: 'dbalias' }], 'NAME:ALIAS (what the docker CLI sends)')
  t.strictSame(linksOf(['/db2:/cc/dbalias']), [{ container: 'db2', alias: 'dbalias' }], "Docker's own /NAME:/CONTAINER/ALIAS form")
  t.strictSame(linksOf(['/db2']), [{ container: 'db2', alias: 'db2' }], 'a leading slash on the name alone')
  t.strictSame(
    linksOf(['db2:dbalias', 'web:front', 'cache']),
    [
      { container: 'db2', alias: 'dbalias' },
      { container: 'web', alias: 'front' },
      { container: 'cache', alias: 'cache' },
    ],
    'several, in order',
  )
  t.strictSame(linksOf(null), [], 'null: none')
  t.strictSame(linksOf([]), [], 'empty: none')
  t.strictSame(parseContainerCreate('cc', { HostConfig: { NetworkMode: 'default' } }).links, [], 'absent: none')
})

tap.test('links: malformed ones are refused', async t => {
  for (const bad of ['', ':alias', '/', 'a:b:c', '/db2:/cc/x:y']) {
    t.throws(() => linksOf([bad]), invalid('E_LINK', /expected NAME\[:ALIAS\]/), JSON.stringify(bad))
  }
  t.strictSame(linksOf(['my_db']), [{ container: 'my_db', alias: 'my_db' }], 'container names with _ (Docker allows them)')
  t.strictSame(linksOf(['db2:db_alias']), [{ container: 'db2', alias: 'db_alias' }], 'aliases follow the container-name rule, not hostnames')
  t.throws(() => linksOf(['db2:-x']), invalid('E_LINK', /invalid link alias "-x"/))
  t.throws(() => linksOf(['db2:a b']), invalid('E_LINK', /invalid link alias/))
  for (const bad of ['db2', [1], { db2: 'x' }]) {
    t.throws(() => linksOf(bad), invalid('E_BAD_REQUEST', /^invalid container create request/), JSON.stringify(bad))
  }
})
