/**
 * What a configuration reload (SIGHUP, `systemctl reload berthd`) may change
 * in a running daemon. Like dockerd's reload, only keys whose new value can
 * take effect without touching what exists are applied; the others name
 * where the daemon's objects live (data and exec roots, netns names, the
 * default bridge) and only a restart can move them: the running value is
 * kept and the key is reported.
 */
import type { DaemonConfig } from './types.js'

/** A daemon.json key, with the configuration field it sets. */
interface KeyField {
  readonly key: string
  readonly field: keyof DaemonConfig
}

/** Applied at once by a reload (each is read where it is used). */
export const RELOADABLE: readonly KeyField[] = [
  { key: 'log-level', field: 'logLevel' },
  { key: 'dns', field: 'dns' },
  { key: 'dns-ttl', field: 'dnsTtl' },
  { key: 'resolv-conf', field: 'resolvConf' },
  { key: 'default-address-pools', field: 'defaultAddressPools' },
  { key: 'group', field: 'group' },
]

/** Applied only by a restart. */
export const RESTART_ONLY: readonly KeyField[] = [
  { key: 'data-root', field: 'dataRoot' },
  { key: 'exec-root', field: 'execRoot' },
  { key: 'netns-prefix', field: 'netnsPrefix' },
  { key: 'bridge', field: 'bridge' },
  { key: 'bip', field: 'bip' },
]

/** The outcome of a reload: the configuration to run with, and what changed. */
export interface ReloadPlan {
  readonly next: DaemonConfig
  /** Reloadable keys whose value changed (applied). */
  readonly changed: readonly string[]
  /** Keys whose value changed but need a restart (running value kept). */
  readonly needRestart: readonly string[]
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** Plans the reload of `running` to `loaded` (both resolved, flags over file). */
export const planReload = (running: DaemonConfig, loaded: DaemonConfig): ReloadPlan => {
  const changed = RELOADABLE.filter(k => !same(running[k.field], loaded[k.field])).map(k => k.key)
  const needRestart = RESTART_ONLY.filter(k => !same(running[k.field], loaded[k.field])).map(k => k.key)
  const next: DaemonConfig = {
    ...loaded,
    dataRoot: running.dataRoot,
    execRoot: running.execRoot,
    netnsPrefix: running.netnsPrefix,
    bridge: running.bridge,
    bip: running.bip,
    netnsDir: running.netnsDir,
    etcNetnsDir: running.etcNetnsDir,
  }
  return { next, changed, needRestart }
}
