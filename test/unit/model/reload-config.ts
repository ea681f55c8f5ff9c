import tap from 'tap'
import { DEFAULT_CONFIG, resolveConfig } from '../../../src/model/parse-config.js'
import { RELOADABLE, RESTART_ONLY, planReload } from '../../../src/model/reload-config.js'
import type { DaemonConfig } from '../../../src/model/types.js'

const running = resolveConfig({ 'dns-ttl': 30, group: 'staff' }, { 'data-root': '/tmp/b', 'log-level': 'debug' }, 'f')

tap.test('every configuration field is either reloadable, restart-only or not configurable', async t => {
  const fields = [...RELOADABLE, ...RESTART_ONLY].map(k => k.field)
  const all: (keyof DaemonConfig)[] = [...Object.keys(DEFAULT_CONFIG) as (keyof DaemonConfig)[], 'group']
  t.strictSame([...fields, 'netnsDir', 'etcNetnsDir'].sort(), [...new Set(all)].sort())
})

tap.test('nothing changed: nothing to do', async t => {
  t.strictSame(planReload(running, running), { next: running, changed: [], needRestart: [] })
})

tap.test('reloadable keys are applied', async t => {
  const pools = [{ base: '10.77.0.0/16', size: 24 }]
  const loaded = resolveConfig(
    { 'dns-ttl': 5, dns: ['198.51.100.53'], 'default-address-pools': pools, 'resolv-conf': '/x/resolv.conf', 'log-level': 'warn' },
    { 'data-root': '/tmp/b' },
    'f',
  )
  const plan = planReload(running, loaded)
  t.strictSame(plan.changed, ['log-level', 'dns', 'dns-ttl', 'resolv-conf', 'default-address-pools', 'group'])
  t.strictSame(plan.needRestart, [])
  t.equal(plan.next.dnsTtl, 5)
  t.strictSame(plan.next.defaultAddressPools, pools)
  t.equal(plan.next.logLevel, 'warn')
  t.notOk('group' in plan.next, 'a group no longer given falls back to the default, not to the old one')
})

tap.test('restart-only keys keep their running value and are reported', async t => {
  const loaded = resolveConfig({ 'dns-ttl': 30, group: 'staff', bridge: 'other0', bip: '10.9.0.1/24', 'netns-prefix': 'x-' }, { 'data-root': '/tmp/c', 'log-level': 'debug' }, 'f')
  const plan = planReload(running, loaded)
  t.strictSame(plan.needRestart, ['data-root', 'netns-prefix', 'bridge', 'bip'])
  t.strictSame(plan.changed, [])
  t.strictSame(plan.next, running, 'the running configuration, unchanged')
})
