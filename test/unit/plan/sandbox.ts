import tap from 'tap'
import type { Container, Endpoint } from '../../../src/model/types.js'
import { ownsNetns, planSandboxCreate, planSandboxRemove } from '../../../src/plan/sandbox.js'

const ep = (id: string, host: string, ifname: string): Endpoint => ({
  id,
  networkId: 'n1',
  ifname,
  hostIfname: host,
  ip: '172.17.0.2',
  mac: '02:42:ac:11:00:02',
  aliases: [],
  status: 'ready',
})
const CTR: Container = {
  id: '85d329ea4b2a0000000000000000000000000000000000000000000000000000',
  name: 'db1',
  hostname: '85d329ea4b2a',
  created: '2026-01-01T00:00:00.000Z',
  mode: 'bridge',
  netns: 'bt1-db1',
  cmd: ['sleep', 'infinity'],
  endpoints: [ep('e1', 'veth1111111', 'eth0'), ep('e2', 'veth2222222', 'eth1')],
  ports: [],
  links: [],
  nextIfIndex: 2,
  process: { status: 'running', pid: 42 },
  status: 'ready',
}
const FILES = { hosts: 'h', 'resolv.conf': 'r', hostname: '85d329ea4b2a\n' }

tap.test('planSandboxCreate: netns, IPv6 off in it, lo up with the owner alias, /etc files', async t => {
  t.strictSame(planSandboxCreate(CTR, FILES), [
    { kind: 'netns.create', netns: 'bt1-db1' },
    { kind: 'sysctl.set', netns: 'bt1-db1', path: ['net', 'ipv6', 'conf', 'all', 'disable_ipv6'], value: '1' },
    { kind: 'sysctl.set', netns: 'bt1-db1', path: ['net', 'ipv6', 'conf', 'default', 'disable_ipv6'], value: '1' },
    { kind: 'link.up', netns: 'bt1-db1', dev: 'lo', alias: `berth:${CTR.id}` },
    { kind: 'files.write', netns: 'bt1-db1', files: FILES },
  ])
})

tap.test('planSandboxRemove: host veths first, then files, then the netns', async t => {
  t.strictSame(planSandboxRemove(CTR), [
    { kind: 'link.delete', name: 'veth1111111', alias: 'berth:e1' },
    { kind: 'link.delete', name: 'veth2222222', alias: 'berth:e2' },
    { kind: 'files.remove', netns: 'bt1-db1' },
    { kind: 'netns.delete', netns: 'bt1-db1' },
  ])
  t.strictSame(planSandboxRemove({ ...CTR, endpoints: [] }), [
    { kind: 'files.remove', netns: 'bt1-db1' },
    { kind: 'netns.delete', netns: 'bt1-db1' },
  ])
})

tap.test('ownsNetns: bridge and none modes own their netns; host and container modes remove nothing', async t => {
  t.strictSame((['bridge', 'none', 'host', 'container'] as const).map(mode => ownsNetns({ mode })), [true, true, false, false])
  t.strictSame(planSandboxRemove({ ...CTR, mode: 'none', endpoints: [] }), [
    { kind: 'files.remove', netns: 'bt1-db1' },
    { kind: 'netns.delete', netns: 'bt1-db1' },
  ])
  t.strictSame(planSandboxRemove({ ...CTR, mode: 'host', netns: '' }), [], 'never the daemon’s netns')
  t.strictSame(planSandboxRemove({ ...CTR, mode: 'container', joined: 'f'.repeat(64), netns: 'bt1-owner' }), [], 'the owner’s netns stays')
})

tap.test('planSandboxRemove: a child interface (no host side) is deleted inside the netns', async t => {
  const child = { ...ep('e3', '', 'eth2') }
  t.strictSame(planSandboxRemove({ ...CTR, endpoints: [child] }).slice(0, 1), [{ kind: 'link.delete', netns: 'bt1-db1', name: 'eth2' }])
})
