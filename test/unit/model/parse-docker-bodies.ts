// Docker clients' bodies are accepted whole; a field berth does not know is
// refused by name; a Docker field berth cannot honour is accepted at its
// default and refused ("… is not supported by berth") otherwise.
import tap from 'tap'
import { formatIpv4 } from '../../../src/model/ipv4.js'
import { parseConnect, parseContainerCreate, parseDisconnect } from '../../../src/model/parse-container.js'
import { parseExec, parseExecStart } from '../../../src/model/parse-exec.js'
import { parseNetworkCreate } from '../../../src/model/parse-network.js'
import * as D from '../../fixtures/docker-bodies.js'

const bad = (message: RegExp) => ({ name: 'BerthError', kind: 'InvalidParameter', code: 'E_BAD_REQUEST', message })

tap.test('what Docker clients send is accepted', async t => {
  for (const body of [D.CLI_NETWORK_CREATE, D.CLI_NETWORK_CREATE_144]) {
    const r = parseNetworkCreate(body)
    t.match(r, { name: 'nasanet', driver: 'bridge', internal: false, attachable: false })
    t.equal(r.subnet?.prefix, 16)
  }
  t.match(parseNetworkCreate(D.PY_NETWORK_CREATE), { name: 'nasanet', driver: 'bridge', subnet: undefined, internal: false })

  const c = parseContainerCreate('web', D.CLI_CONTAINER_CREATE)
  t.strictSame(c.cmd, ['sleep', '60'])
  t.strictSame(c.ports, [{ proto: 'tcp', containerPort: 80, hostIp: '0.0.0.0', hostPorts: [8080, 8080] }])
  if (c.mode.kind !== 'networks') throw new Error('networks mode expected')
  t.equal(c.mode.attach[0]?.network, 'nasanet')
  t.equal(formatIpv4(c.mode.attach[0]?.ip ?? 0), '172.18.0.10')
  t.equal(parseContainerCreate('web', { HostConfig: D.CLI_HOST_CONFIG }).mode.kind, 'networks', 'no flags at all')

  const conn = parseConnect('nasanet', D.CLI_CONNECT)
  t.equal(formatIpv4(conn.attach.ip ?? 0), '172.18.0.22')
  t.strictSame(conn.attach.aliases, ['db'])
  t.strictSame(parseDisconnect(D.CLI_DISCONNECT), { container: 'web' })
  t.strictSame(parseExec(D.CLI_EXEC), { cmd: ['ip', 'addr'] })
  t.strictSame(parseExec(D.PY_EXEC), { cmd: ['ip', 'addr'] })
  t.doesNotThrow(() => parseExecStart(D.CLI_EXEC_START))
  t.doesNotThrow(() => parseExecStart(undefined), 'no body (the berth CLI)')
  t.doesNotThrow(() => parseExecStart({ ConsoleSize: [24, 80] }), 'the terminal size is only a hint')
})

tap.test('operational endpoint fields (what inspect shows) are ignored, as Docker does', async t => {
  const ep = { ...D.cliEndpoint(), NetworkID: 'abc', EndpointID: 'def', IPAddress: '10.0.0.9', IPPrefixLen: 24, DNSNames: ['web'] }
  t.equal(parseConnect('n', { Container: 'web', EndpointConfig: ep }).attach.ip, undefined)
})

tap.test('unknown fields are refused, naming them with their path', async t => {
  const cases: [() => unknown, RegExp][] = [
    [() => parseNetworkCreate({ Name: 'n', Nmae: 'x' }), /^invalid network create request: unknown field "Nmae"$/],
    [() => parseNetworkCreate({ Name: 'n', name: 'x' }), /unknown field "name"/],
    [() => parseNetworkCreate({ Name: 'n', IPAM: { Config: [{ Subnet: '10.9.0.0/24', Gw: '10.9.0.1' }] } }), /unknown field "IPAM\.Config\.0\.Gw"/],
    [() => parseNetworkCreate({ Name: 'n', IPAM: { Drvier: 'default' } }), /unknown field "IPAM\.Drvier"/],
    [() => parseContainerCreate('web', { Cmd: ['true'], Comand: ['x'] }), /^invalid container create request: unknown field "Comand"$/],
    [() => parseContainerCreate('web', { HostConfig: { NetworkMod: 'none' } }), /unknown field "HostConfig\.NetworkMod"/],
    [() => parseContainerCreate('web', { HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '80', Proto: 'tcp' }] } } }), /unknown field "HostConfig\.PortBindings\.80\/tcp\.0\.Proto"/],
    [() => parseContainerCreate('web', { NetworkingConfig: { EndpointsConfig: { n: { IPv4Address: '10.0.0.2' } } } }), /unknown field "NetworkingConfig\.EndpointsConfig\.n\.IPv4Address"/],
    [() => parseContainerCreate('web', { NetworkingConfig: { Endpoints: {} } }), /unknown field "NetworkingConfig\.Endpoints"/],
    [() => parseConnect('n', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4: '10.0.0.2' } } }), /unknown field "EndpointConfig\.IPAMConfig\.IPv4"/],
    [() => parseConnect('n', { Container: 'web', Alias: 'x' }), /^invalid connect request: unknown field "Alias"$/],
    [() => parseDisconnect({ Container: 'web', force: true }), /^invalid disconnect request: unknown field "force"$/],
    [() => parseExec({ Cmd: ['true'], Command: 'true' }), /^invalid exec request: unknown field "Command"$/],
    [() => parseExecStart({ Detach: false, Stdin: true }), /^invalid exec start request: unknown field "Stdin"$/],
  ]
  for (const [fn, message] of cases) t.throws(fn, bad(message), String(message))
})

tap.test('Docker fields berth cannot honour: refused when they ask for something', async t => {
  const create = (extra: object) => () => parseContainerCreate('web', { Cmd: ['true'], ...extra })
  const host = (extra: object) => create({ HostConfig: extra })
  const cases: [() => unknown, RegExp][] = [
    [create({ Image: 'busybox' }), /^invalid container create request: Image "busybox" is not supported by berth \(a berth container has no image/],
    [create({ Env: ['A=1'] }), /Env \["A=1"\] is not supported by berth/],
    [create({ Tty: true }), /Tty true is not supported by berth \(no terminals\)/],
    [create({ Labels: { a: '' } }), /Labels \{"a":""\} is not supported by berth/],
    [create({ Entrypoint: '/bin/sh' }), /Entrypoint "\/bin\/sh" is not supported/],
    [host({ Binds: ['/a:/b'] }), /HostConfig\.Binds \["\/a:\/b"\] is not supported by berth/],
    [host({ Memory: 1 << 20 }), /HostConfig\.Memory 1048576 is not supported by berth \(no resource limits\)/],
    [host({ MemorySwappiness: 10 }), /HostConfig\.MemorySwappiness 10 is not supported/],
    [host({ Dns: ['9.9.9.9'] }), /HostConfig\.Dns \["9\.9\.9\.9"\] is not supported by berth \(set the daemon --dns\)/],
    [host({ Sysctls: { 'net.ipv4.ip_forward': '1' } }), /HostConfig\.Sysctls .* is not supported/],
    [host({ RestartPolicy: { Name: 'always' } }), /HostConfig\.RestartPolicy \{"Name":"always"\} is not supported/],
    [host({ LogConfig: { Type: 'syslog', Config: {} } }), /HostConfig\.LogConfig .* is not supported/],
    [host({ AutoRemove: true }), /HostConfig\.AutoRemove true is not supported/],
    [host({ PublishAllPorts: true }), /HostConfig\.PublishAllPorts true is not supported/],
    [create({ NetworkingConfig: { EndpointsConfig: { n: { IPAMConfig: { IPv6Address: 'fd00::2' } } } } }), /EndpointsConfig\.n\.IPAMConfig\.IPv6Address "fd00::2" is not supported by berth \(berth networks are IPv4 only\)/],
    [() => parseConnect('n', { Container: 'web', EndpointConfig: { Links: ['db:db'] } }), /EndpointConfig\.Links \["db:db"\] is not supported/],
    [() => parseConnect('n', { Container: 'web', EndpointConfig: { DriverOpts: { a: 'b' } } }), /EndpointConfig\.DriverOpts .* is not supported/],
    [() => parseNetworkCreate({ Name: 'n', Scope: 'swarm' }), /Scope "swarm" is not supported by berth \(networks are local\)/],
    [() => parseNetworkCreate({ Name: 'n', Ingress: true }), /Ingress true is not supported by berth \(swarm mode\)/],
    [() => parseNetworkCreate({ Name: 'n', ConfigOnly: true }), /ConfigOnly true is not supported/],
    [() => parseNetworkCreate({ Name: 'n', ConfigFrom: { Network: 'tmpl' } }), /ConfigFrom \{"Network":"tmpl"\} is not supported/],
    [() => parseNetworkCreate({ Name: 'n', EnableIPv4: false }), /EnableIPv4 false is not supported/],
    [() => parseNetworkCreate({ Name: 'n', IPAM: { Config: [{ Subnet: '10.9.0.0/24', AuxiliaryAddresses: { r: '10.9.0.2' } }] } }), /IPAM\.Config\.0\.AuxiliaryAddresses .* is not supported/],
    [() => parseExec({ Cmd: ['sh'], Tty: true }), /^invalid exec request: Tty true is not supported by berth/],
    [() => parseExec({ Cmd: ['sh'], User: 'nobody' }), /User "nobody" is not supported by berth \(commands run as root\)/],
    [() => parseExec({ Cmd: ['sh'], Env: ['A=1'] }), /Env \["A=1"\] is not supported/],
    [() => parseExec({ Cmd: ['sh'], WorkingDir: '/tmp' }), /WorkingDir "\/tmp" is not supported/],
    [() => parseExec({ Cmd: ['sh'], Detach: true }), /Detach true is not supported/],
    [() => parseExecStart({ Detach: true }), /^invalid exec start request: Detach true is not supported/],
    [() => parseExecStart({ Tty: true }), /Tty true is not supported/],
  ]
  for (const [fn, message] of cases) t.throws(fn, bad(message), String(message))
  t.throws(create({ Image: 'x'.repeat(200) }), bad(/Image "x+\.\.\. is not supported/), 'a long value is shortened')
})

tap.test('wrong types name the field and the expected type', async t => {
  const cases: [() => unknown, RegExp][] = [
    [() => parseNetworkCreate({ Name: 5 }), /^invalid network create request: invalid type for "Name": expected string, received number$/],
    [() => parseNetworkCreate({ Name: 'n', Internal: 'yes' }), /^invalid network create request: invalid type for "Internal": expected boolean, received string$/],
    [() => parseNetworkCreate({ Name: 'n', Driver: ['bridge'] }), /invalid type for "Driver": expected string, received array/],
    [() => parseNetworkCreate({ Name: 'n', Options: { mtu: 1500 } }), /invalid type for "Options\.mtu": expected string, received number/],
    [() => parseNetworkCreate({ Name: 'n', Labels: 'a=b' }), /invalid type for "Labels": expected record, received string/],
    [() => parseNetworkCreate({ Name: 'n', IPAM: { Config: [{ Subnet: 10 }] } }), /invalid type for "IPAM\.Config\.0\.Subnet": expected string, received number/],
    [() => parseNetworkCreate({ Name: 'n', IPAM: { Config: {} } }), /invalid type for "IPAM\.Config": expected array, received object/],
    [() => parseNetworkCreate({ Name: 'n', Ingress: 'no' }), /invalid type for "Ingress": expected boolean, received string/],
    [() => parseContainerCreate('web', { Cmd: 'sleep 1' }), /^invalid container create request: invalid type for "Cmd": expected array, received string$/],
    [() => parseContainerCreate('web', { Hostname: false }), /invalid type for "Hostname": expected string, received boolean/],
    [() => parseContainerCreate('web', { HostConfig: { NetworkMode: 1 } }), /invalid type for "HostConfig\.NetworkMode": expected string, received number/],
    [() => parseContainerCreate('web', { HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 80 }] } } }), /invalid type for "HostConfig\.PortBindings\.80\/tcp\.0\.HostPort": expected string, received number/],
    [() => parseContainerCreate('web', { HostConfig: { Links: 'db' } }), /invalid type for "HostConfig\.Links": expected array, received string/],
    [() => parseContainerCreate('web', { NetworkingConfig: { EndpointsConfig: { n: { Aliases: 'a' } } } }), /invalid type for "NetworkingConfig\.EndpointsConfig\.n\.Aliases": expected array, received string/],
    [() => parseContainerCreate('web', { HostConfig: { Memory: 'lots' } }), /invalid type for "HostConfig\.Memory": expected number, received string/],
    [() => parseContainerCreate('web', { HostConfig: { Memory: 1.5 } }), /invalid type for "HostConfig\.Memory": expected integer, received number/],
    [() => parseContainerCreate('web', { HostConfig: [] }), /invalid type for "HostConfig": expected object, received array/],
    [() => parseConnect('n', { Container: 7 }), /^invalid connect request: invalid type for "Container": expected string, received number$/],
    [() => parseConnect('n', { Container: 'web', EndpointConfig: { IPAMConfig: { IPv4Address: 10 } } }), /invalid type for "EndpointConfig\.IPAMConfig\.IPv4Address": expected string, received number/],
    [() => parseDisconnect({ Container: 'web', Force: 'yes' }), /^invalid disconnect request: invalid type for "Force": expected boolean, received string$/],
    [() => parseDisconnect({ Container: null }), /invalid type for "Container": expected string, received null/],
    [() => parseExec({ Cmd: ['a', 2] }), /^invalid exec request: invalid type for "Cmd\.1": expected string, received number$/],
    [() => parseExec({ Cmd: 'ip addr' }), /invalid type for "Cmd": expected array, received string/],
    [() => parseExecStart({ Detach: 'no' }), /^invalid exec start request: invalid type for "Detach": expected boolean, received string$/],
  ]
  for (const [fn, message] of cases) t.throws(fn, bad(message), String(message))
})

tap.test('a body that is not an object where one is required', async t => {
  for (const body of [[], 'x', null, 5, true]) {
    const type = body === null ? 'null' : Array.isArray(body) ? 'array' : typeof body
    t.throws(() => parseNetworkCreate(body), bad(new RegExp(`^invalid network create request: invalid type for the body: expected object, received ${type}$`)))
    t.throws(() => parseConnect('n', body), bad(/^invalid connect request: invalid type for the body: expected object/))
    t.throws(() => parseDisconnect(body), bad(/^invalid disconnect request: invalid type for the body/))
    t.throws(() => parseExec(body), bad(/^invalid exec request: invalid type for the body/))
    if (body !== null) t.throws(() => parseContainerCreate('web', body), bad(/^invalid container create request: invalid type for the body/))
  }
  t.equal(parseContainerCreate('web', null).cmd.length, 0, 'container create: null is no body, like an empty one')
})

tap.test('many problems: the first few, and how many more', async t => {
  const body = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X${i}`, i]))
  t.throws(() => parseExec({ Cmd: 5, ...body }), bad(/^invalid exec request: invalid type for "Cmd": .*unknown field "X0"; .*; and \d+ more$/))
})
