import tap from 'tap'
import type { Container, State } from '../../../src/model/types.js'
import type { HostResolv } from '../../../src/plan/etc-files.js'
import type { ServiceContext } from '../../../src/service/context.js'
import { buildEndpoint, etcFilesOf, usesEmbeddedDns } from '../../../src/service/endpoints.js'
import {
  CUS,
  DB,
  DEF,
  GOING,
  HALF,
  LEGACY,
  SECRET,
  STATE,
  VAULT,
  WEB,
  container,
  endpoint,
  hex,
} from '../dns/fixtures/world.js'

tap.test('usesEmbeddedDns: true iff a live endpoint is on a non-default network', async t => {
  t.equal(usesEmbeddedDns(STATE, WEB), true, 'default bridge + user networks')
  t.equal(usesEmbeddedDns(STATE, DB), true, 'a user network only')
  t.equal(usesEmbeddedDns(STATE, VAULT), true, 'an internal network is user-defined too')
  t.equal(usesEmbeddedDns(STATE, LEGACY), false, 'the default bridge only')
  t.equal(usesEmbeddedDns(STATE, container(hex('ee'), 'bare', [])), false, 'no endpoint at all')
  const leaving = container(hex('ef'), 'leaving', [endpoint(DEF, '172.17.0.8'), endpoint(CUS, '172.18.0.8', [], 'removing')])
  t.equal(usesEmbeddedDns(STATE, leaving), false, 'the user network endpoint is being removed')
  const joining = container(hex('f0'), 'joining', [endpoint(DEF, '172.17.0.8'), endpoint(CUS, '172.18.0.8', [], 'creating')])
  t.equal(usesEmbeddedDns(STATE, joining), true, 'a creating endpoint counts (its files are written while it joins)')
  t.equal(usesEmbeddedDns(STATE, HALF), true)
  const onGoing = container(hex('f1'), 'ongoing', [endpoint(GOING, '172.22.0.3')])
  t.equal(usesEmbeddedDns(STATE, onGoing), true, 'a user network being removed is still not the default one')
  const removingDefault = container(hex('f2'), 'x', [endpoint(DEF, '172.17.0.9', [], 'removing'), endpoint(SECRET, '172.20.0.7')])
  t.equal(usesEmbeddedDns(STATE, removingDefault), true)
})

tap.test('usesEmbeddedDns: pure, and decided by the network, not its name', async t => {
  const before = structuredClone(STATE)
  usesEmbeddedDns(STATE, WEB)
  t.strictSame(STATE, before)
  const renamed: State = { ...STATE, networks: STATE.networks.map(n => (n.isDefault ? { ...n, name: 'somethingelse' } : n)) }
  t.equal(usesEmbeddedDns(renamed, LEGACY), false, 'isDefault decides')
  const flipped: State = { ...STATE, networks: STATE.networks.map(n => (n.id === CUS.id ? { ...n, isDefault: true } : n)) }
  t.equal(usesEmbeddedDns(flipped, DB), false)
})

const HOST: HostResolv = { nameservers: ['203.0.113.2', '127.0.0.53'], search: ['corp.example'], options: ['timeout:2'] }
const ctxFor = (state: State, dns: string[] = [], host: HostResolv = HOST) =>
  ({ store: { state }, cfg: { dns }, hostResolv: () => host }) as unknown as ServiceContext

/** One file of etcFilesOf ('' when missing: every comparison below then fails). */
const fileOf = (ctx: ServiceContext, c: Container, name: 'hosts' | 'resolv.conf' | 'hostname'): string => etcFilesOf(ctx, c)[name] ?? ''

const STANDARD = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
]

tap.test('etcFilesOf: a user-network container gets the embedded resolver', async t => {
  const f = etcFilesOf(ctxFor(STATE), DB)
  t.strictSame(Object.keys(f).sort(), ['hostname', 'hosts', 'resolv.conf'])
  t.equal(f['resolv.conf'], 'search corp.example\nnameserver 127.0.0.11\noptions timeout:2 ndots:0\n')
  t.equal(f.hosts, [...STANDARD, '172.18.0.3\t0123456789ab', ''].join('\n'), 'no peers, only its own address (oracle §6)')
  t.equal(f.hostname, '0123456789ab\n')
  t.equal(fileOf(ctxFor(STATE, ['198.51.100.53']), DB, 'resolv.conf'), 'search corp.example\nnameserver 127.0.0.11\noptions timeout:2 ndots:0\n', '--dns does not change the file')
  const w = etcFilesOf(ctxFor(STATE), WEB)
  t.match(w['resolv.conf'] ?? '', /^nameserver 127\.0\.0\.11$/m, 'also with a default-bridge endpoint')
  t.equal(w.hosts, [...STANDARD, '172.17.0.2\tApollo', '172.18.0.2\tApollo', '172.19.0.2\tApollo', ''].join('\n'))
})

tap.test('etcFilesOf: a default-bridge container gets the upstreams themselves', async t => {
  t.equal(fileOf(ctxFor(STATE), LEGACY, 'resolv.conf'), 'search corp.example\nnameserver 203.0.113.2\noptions timeout:2\n')
  t.equal(
    fileOf(ctxFor(STATE, ['198.51.100.53']), LEGACY, 'resolv.conf'),
    'search corp.example\nnameserver 198.51.100.53\noptions timeout:2\n',
    'configured servers',
  )
})

tap.test('etcFilesOf: --link lines: ip, alias, short id, name', async t => {
  // oracle §5: `--link db2:dbalias` → `172.17.0.3\tdbalias 7b74f3aa6537 db2`
  const target = container('7b74f3aa6537' + 'a'.repeat(52), 'db2', [endpoint(DEF, '172.17.0.3')])
  const linker = (links: Container['links']) => container(hex('c0'), 'client', [endpoint(DEF, '172.17.0.2')], { links })
  const s: State = { ...STATE, containers: [target] }
  t.equal(
    fileOf(ctxFor(s), linker([{ container: 'db2', alias: 'dbalias' }]), 'hosts'),
    [...STANDARD, '172.17.0.3\tdbalias 7b74f3aa6537 db2', '172.17.0.2\tc00000000000', ''].join('\n'),
  )
  t.equal(
    fileOf(ctxFor(s), linker([{ container: 'db2', alias: 'db2' }]), 'hosts').split('\n')[6],
    '172.17.0.3\tdb2 7b74f3aa6537',
    'alias = name: the name once',
  )
  t.equal(
    fileOf(ctxFor(s), linker([{ container: 'gone', alias: 'x' }]), 'hosts'),
    [...STANDARD, '172.17.0.2\tc00000000000', ''].join('\n'),
    'a linked container that no longer exists: no line',
  )
  const dying: State = { ...STATE, containers: [{ ...target, status: 'removing' }] }
  t.equal(fileOf(ctxFor(dying), linker([{ container: 'db2', alias: 'dbalias' }]), 'hosts').split('\n').length, 8, 'nor one being removed')
  const cache = container('c0ffee000000' + 'b'.repeat(52), 'cache', [endpoint(DEF, '172.17.0.4')])
  const two = fileOf(
    ctxFor({ ...STATE, containers: [target, cache] }),
    linker([
      { container: 'cache', alias: 'kv' },
      { container: 'db2', alias: 'dbalias' },
    ]),
    'hosts',
  )
  t.strictSame(two.split('\n').slice(6, 9), ['172.17.0.4\tkv c0ffee000000 cache', '172.17.0.3\tdbalias 7b74f3aa6537 db2', '172.17.0.2\tc00000000000'], 'in link order, before its own line')
})

tap.test('buildEndpoint carries the aliases', async t => {
  const { net, ep } = buildEndpoint(STATE, { network: 'custombridge', aliases: ['www', 'api'] }, 3)
  t.equal(net.id, CUS.id)
  t.strictSame(ep.aliases, ['www', 'api'])
  t.equal(ep.ifname, 'eth3')
  t.equal(ep.status, 'creating')
  t.notOk(['172.18.0.1', '172.18.0.2', '172.18.0.3', '172.18.0.4'].includes(ep.ip), `a free address: ${ep.ip}`)
  t.strictSame(buildEndpoint(STATE, { network: 'custombridge', aliases: [] }, 0).ep.aliases, [])
})
