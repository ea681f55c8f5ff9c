import tap from 'tap'
import { DOCKER_DEFAULT_POOLS } from '../../../src/model/ipam.js'
import { DEFAULT_CONFIG, parsePoolFlag, resolveConfig } from '../../../src/model/parse-config.js'

const configError = (message?: RegExp) => ({
  name: 'BerthError',
  kind: 'InvalidParameter',
  code: 'E_CONFIG',
  ...(message ? { message } : {}),
})

tap.test('no file and no flags: the defaults', async t => {
  t.strictSame(resolveConfig(undefined, undefined, 'daemon.json'), DEFAULT_CONFIG)
  t.strictSame(resolveConfig({}, {}, 'daemon.json'), DEFAULT_CONFIG)
  t.strictSame(resolveConfig(null, null, 'daemon.json'), DEFAULT_CONFIG)
  t.strictSame(DEFAULT_CONFIG, {
    dataRoot: '/var/lib/berth',
    execRoot: '/run/berth',
    netnsPrefix: 'berth-',
    bridge: 'berth0',
    bip: '172.17.0.1/16',
    defaultAddressPools: DOCKER_DEFAULT_POOLS,
    dns: [],
    dnsTtl: 600,
    resolvConf: '/etc/resolv.conf',
    logLevel: 'info',
    netnsDir: '/run/netns',
    etcNetnsDir: '/etc/netns',
  })
})

tap.test('file keys, and flags over the file', async t => {
  const file = {
    'data-root': '/tmp/b/data',
    'exec-root': '/tmp/b/run',
    'netns-prefix': 'bt1-',
    bridge: 'bt1br0',
    bip: '10.200.0.1/24',
    'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }],
    dns: ['198.51.100.53'],
    'log-level': 'debug',
  }
  const fromFile = resolveConfig(file, {}, 'daemon.json')
  t.strictSame(fromFile, {
    ...DEFAULT_CONFIG,
    dataRoot: '/tmp/b/data',
    execRoot: '/tmp/b/run',
    netnsPrefix: 'bt1-',
    bridge: 'bt1br0',
    bip: '10.200.0.1/24',
    defaultAddressPools: [{ base: '10.10.0.0/16', size: 24 }],
    dns: ['198.51.100.53'],
    logLevel: 'debug',
  })
  const flags = { bip: '10.201.0.254/16', dns: ['198.51.100.54', '198.51.100.55'], 'log-level': 'warn' }
  const both = resolveConfig(file, flags, 'daemon.json')
  t.equal(both.bip, '10.201.0.254/16', 'flag wins')
  t.strictSame(both.dns, ['198.51.100.54', '198.51.100.55'], 'flag wins (arrays are replaced, not merged)')
  t.equal(both.logLevel, 'warn')
  t.equal(both.dataRoot, '/tmp/b/data', 'file value kept where no flag')
  t.equal(both.netnsDir, '/run/netns', 'not configurable: default')
})

tap.test('unknown keys are refused (strict)', async t => {
  t.throws(() => resolveConfig({ 'data-root': '/x', iptables: false }, {}, '/etc/berth/daemon.json'), configError(/^\/etc\/berth\/daemon\.json: /))
  t.throws(() => resolveConfig({}, { dataRoot: '/x' }, 'daemon.json'), configError(/^flags: /))
})

tap.test('bad values', async t => {
  t.throws(() => resolveConfig({ 'data-root': 'relative/path' }, {}, 'f'), configError(/data-root/))
  t.throws(() => resolveConfig({ 'exec-root': 'run' }, {}, 'f'), configError(/exec-root/))
  t.throws(() => resolveConfig({ 'netns-prefix': '-x' }, {}, 'f'), configError(/netns-prefix/))
  t.throws(() => resolveConfig({ 'netns-prefix': 'a/b' }, {}, 'f'), configError())
  t.throws(() => resolveConfig({ 'log-level': 'verbose' }, {}, 'f'), configError(/log-level/))
  t.throws(() => resolveConfig({ dns: '1.1.1.1' }, {}, 'f'), configError(/dns/))
  t.throws(() => resolveConfig({ 'default-address-pools': [] }, {}, 'f'), configError(/default-address-pools/))
  t.throws(() => resolveConfig({ 'default-address-pools': [{ base: '10.0.0.0/8', size: 24.5 }] }, {}, 'f'), configError())
  t.throws(() => resolveConfig('not an object', {}, 'f'), configError())
  t.throws(() => resolveConfig({}, { bridge: 'a-much-too-long-name' }, 'f'), {
    kind: 'InvalidParameter',
    code: 'E_IFNAME_LENGTH',
  })
  t.throws(() => resolveConfig({}, { 'default-address-pools': [{ base: '10.0.0.0/16', size: 8 }] }, 'f'), {
    kind: 'InvalidParameter',
    code: 'E_POOL',
  })
})

tap.test('bip must be the bridge address with its prefix', async t => {
  for (const bip of ['172.17.0.0/16', '172.17.255.255/16', '172.17.0.1', '172.17.0.1/31', '172.17.0.1/32', 'x/16', '172.17.0.256/16']) {
    t.throws(() => resolveConfig({ bip }, {}, 'f'), configError(/expected the bridge address with its prefix/), bip)
  }
  t.equal(resolveConfig({ bip: '10.0.0.2/30' }, {}, 'f').bip, '10.0.0.2/30')
  t.equal(resolveConfig({ bip: '10.0.0.1/8' }, {}, 'f').bip, '10.0.0.1/8')
})

tap.test('dns servers must be IPv4 addresses', async t => {
  t.throws(() => resolveConfig({ dns: ['198.51.100.1', 'dns.example'] }, {}, 'f'), configError(/dns "dns.example" is not an IPv4 address/))
  t.throws(() => resolveConfig({}, { dns: ['2001:db8::1'] }, 'f'), configError())
  t.strictSame(resolveConfig({}, { dns: ['198.51.100.1'] }, 'f').dns, ['198.51.100.1'])
})

tap.test('parsePoolFlag', async t => {
  t.strictSame(parsePoolFlag('base=10.10.0.0/16,size=24'), { base: '10.10.0.0/16', size: 24 })
  t.strictSame(parsePoolFlag('size=20,base=192.168.0.0/16'), { base: '192.168.0.0/16', size: 20 }, 'any order')
  for (const bad of ['', 'base=10.10.0.0/16', 'size=24', 'base=10.10.0.0/16,size=abc', 'base=10.10.0.0/16,size=24.5', '10.10.0.0/16']) {
    t.throws(() => parsePoolFlag(bad), { kind: 'InvalidParameter', code: 'E_POOL', message: /expected base=CIDR,size=N/ }, JSON.stringify(bad))
  }
})

tap.test('an empty pool size slips through parsePoolFlag but resolveConfig refuses it', async t => {
  const pool = parsePoolFlag('base=10.10.0.0/16,size=')
  t.strictSame(pool, { base: '10.10.0.0/16', size: 0 }, 'Number("") is 0')
  t.throws(() => resolveConfig({}, { 'default-address-pools': [pool] }, 'f'), { kind: 'InvalidParameter', code: 'E_POOL' })
})

tap.test('dns-ttl: an integer number of seconds, 0 to 86400 (Docker answers with 600)', async t => {
  t.equal(DEFAULT_CONFIG.dnsTtl, 600)
  t.equal(resolveConfig({ 'dns-ttl': 30 }, {}, 'f').dnsTtl, 30, 'from the file')
  t.equal(resolveConfig({ 'dns-ttl': 30 }, { 'dns-ttl': 5 }, 'f').dnsTtl, 5, 'the flag wins')
  t.equal(resolveConfig({}, { 'dns-ttl': 0 }, 'f').dnsTtl, 0, '0 is allowed (no caching)')
  t.equal(resolveConfig({}, { 'dns-ttl': 86400 }, 'f').dnsTtl, 86400, 'one day is the maximum')
  t.strictSame(resolveConfig({ 'dns-ttl': 30 }, {}, 'f'), { ...DEFAULT_CONFIG, dnsTtl: 30 }, 'nothing else changes')
  for (const bad of [-1, 86401, 1.5, '600', null, Number.NaN]) {
    t.throws(() => resolveConfig({ 'dns-ttl': bad }, {}, 'daemon.json'), configError(/^daemon\.json: dns-ttl/), String(bad))
    t.throws(() => resolveConfig({}, { 'dns-ttl': bad }, 'daemon.json'), configError(/^flags: dns-ttl/), String(bad))
  }
})

tap.test('resolv-conf: an absolute path', async t => {
  t.equal(DEFAULT_CONFIG.resolvConf, '/etc/resolv.conf')
  t.equal(resolveConfig({ 'resolv-conf': '/run/systemd/resolve/resolv.conf' }, {}, 'f').resolvConf, '/run/systemd/resolve/resolv.conf')
  t.equal(resolveConfig({ 'resolv-conf': '/a' }, { 'resolv-conf': '/b' }, 'f').resolvConf, '/b', 'the flag wins')
  t.strictSame(resolveConfig({ 'resolv-conf': '/a' }, {}, 'f'), { ...DEFAULT_CONFIG, resolvConf: '/a' }, 'nothing else changes')
  for (const bad of ['resolv.conf', './resolv.conf', '', 42, ['/etc/resolv.conf']]) {
    t.throws(() => resolveConfig({ 'resolv-conf': bad }, {}, 'daemon.json'), configError(/^daemon\.json: resolv-conf/), JSON.stringify(bad))
  }
})

tap.test('group: the API socket\'s group, a name or a gid, only when given', async t => {
  t.notOk('group' in resolveConfig({}, {}, 'f'), 'absent by default (berthd then tries group berth)')
  t.equal(resolveConfig({ group: 'berth' }, {}, 'f').group, 'berth', 'an explicit berth is explicit')
  t.equal(resolveConfig({ group: 'staff' }, { group: '65534' }, 'f').group, '65534', 'the flag wins; a gid is fine')
  for (const bad of ['', '-x', 'a b', 'x:y', 'a'.repeat(33), 42]) {
    t.throws(() => resolveConfig({ group: bad }, {}, 'daemon.json'), configError(/^daemon\.json: group/), JSON.stringify(bad))
  }
})
