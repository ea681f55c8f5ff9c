/**
 * The composition root: builds the kernel port, state store, services and
 * API server from the configuration, reconciles, and serves.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createRtNetlink } from 'netlink'
import { pino, type Logger } from 'pino'
import { createApiServer, listenUnix } from '../api/server.js'
import { LinuxKernel } from '../kernel/linux-kernel.js'
import { loadNative } from '../kernel/native.js'
import { PortReservations } from '../kernel/port-reservations.js'
import { Rtnl } from '../kernel/rtnl.js'
import { ensureSysctl, readSysctl } from '../kernel/sysctl.js'
import { type ReloadPlan, planReload } from '../model/reload-config.js'
import type { DaemonConfig } from '../model/types.js'
import { parseResolvConf } from '../plan/etc-files.js'
import { ContainerService } from '../service/containers.js'
import type { ServiceContext } from '../service/context.js'
import { DnsService } from '../service/dns.js'
import { EndpointService } from '../service/endpoints.js'
import { ExecService } from '../service/exec.js'
import { FirewallGuard } from '../service/firewall-guard.js'
import { KeyedLock } from '../service/locks.js'
import { NetworkService } from '../service/networks.js'
import { ProcessSupervisor } from '../service/processes.js'
import { reconcile } from '../service/reconcile.js'
import { SystemService } from '../service/system.js'
import { StateStore } from '../state/store.js'
import { acquirePidLock } from './pid-lock.js'
import { adoptProcesses, removeStaleContainerDirs } from './adopt.js'
import { resolveSocketGroup } from './socket-group.js'
import { VERSION } from './version.js'


/** Where the per-prefix locks live (tmpfs, shared by all netns). */
const PREFIX_LOCK_DIR = '/run/lock'

/** How long a stop waits for operations in flight. */
const SHUTDOWN_DEADLINE_MS = 10_000

/** A running daemon. */
export interface Daemon {
  readonly socketPath: string
  /**
   * Applies a configuration read again (SIGHUP): the reloadable keys take
   * effect for what comes next, the others keep their running value (the
   * plan names them). Nothing changes if it throws (a missing group).
   */
  reload(loaded: DaemonConfig): Promise<ReloadPlan>
  /** Stops serving; the data plane (netns, links, rules, processes) stays up. */
  close(): Promise<void>
  /** Settles when `berth system reset` has removed everything: the daemon should stop. */
  readonly reset: Promise<void>
}

const readHostResolv = (file: string) => {
  try {
    return parseResolvConf(fs.readFileSync(file, 'utf8'))
  } catch {
    return parseResolvConf('')
  }
}

/** Starts berthd with `cfg`. */
export const startDaemon = async (cfg: DaemonConfig, log: Logger = pino({ level: cfg.logLevel })): Promise<Daemon> => {
  // First, so that a missing explicit group refuses to start before anything changed.
  const socketGid = await resolveSocketGroup(cfg.group, log)
  let current = cfg // swapped whole by reload()
  fs.mkdirSync(cfg.dataRoot, { recursive: true, mode: 0o700 })
  fs.mkdirSync(cfg.execRoot, { recursive: true, mode: 0o755 })
  const releasePid = acquirePidLock(path.join(cfg.execRoot, 'berthd.pid'))
  // /run/netns is shared by every netns: two daemons with one prefix would
  // take each other's containers for leftovers. One daemon per prefix.
  const releasePrefix = acquirePidLock(path.join(PREFIX_LOCK_DIR, `berth-netns-${cfg.netnsPrefix}.pid`), `netns prefix ${cfg.netnsPrefix}`)
  const native = loadNative()
  const kernel = new LinuxKernel(new Rtnl(createRtNetlink()), native, cfg)
  const store = new StateStore(cfg.dataRoot)
  await store.load()
  // Containers reach the outside only if this netns forwards. Like Docker,
  // when berth is the one turning it on, its table drops forwarded traffic
  // that is not berth's (remembered, since the next start finds it on).
  if ((await ensureSysctl('net.ipv4.ip_forward', '1')) === '0') {
    await store.update(s => ({ ...s, forwardingByBerth: true }))
  }
  const bridgeNetfilter = (await readSysctl('net.bridge.bridge-nf-call-iptables').catch(() => '0')) === '1'
  if (store.state.bridgeNetfilter !== bridgeNetfilter) await store.update(s => ({ ...s, bridgeNetfilter }))
  const ctx: ServiceContext = {
    get cfg() {
      return current
    },
    store,
    kernel,
    locks: new KeyedLock(),
    log,
    ports: new PortReservations(native),
    hostResolv: () => readHostResolv(current.resolvConf),
  }
  const firewall = new FirewallGuard(ctx)
  const started = process.hrtime.bigint()
  const repaired = await reconcile(ctx, firewall, 'start')
  for (const line of repaired) log.info({ repair: line }, 'reconciled')
  log.info({ ms: Number(process.hrtime.bigint() - started) / 1e6, repairs: repaired.length }, 'reconcile done')

  const processes: ProcessSupervisor = new ProcessSupervisor(
    cfg.dataRoot,
    (id, code) => void containers.markExited(id, code).catch(e => log.error({ err: e }, 'recording exit')),
    log,
  )
  const dns = new DnsService(ctx, native)
  const containers = new ContainerService(ctx, processes, dns)
  await adoptProcesses(store, processes, containers)
  await dns.sync()
  for (const id of removeStaleContainerDirs(cfg.dataRoot, new Set(store.state.containers.map(c => c.id)))) {
    log.info({ container: id }, 'removed files of a container no longer recorded')
  }
  const networks = new NetworkService(ctx)
  firewall.watch()
  let wasReset!: () => void
  const reset = new Promise<void>(resolve => (wasReset = resolve))
  const system = new SystemService(ctx, firewall, containers, networks, dns, () => wasReset())
  const api = createApiServer(
    {
      networks,
      containers,
      endpoints: new EndpointService(ctx, dns),
      exec: new ExecService(containers),
      system,
      store,
      // Host mode has no netns of its own: the daemon's.
      sandboxKey: name => (name === '' ? `/proc/${process.pid}/ns/net` : kernel.netns.path(name)),
      version: VERSION,
      dataRoot: cfg.dataRoot,
    },
    log,
  )
  const socketPath = path.join(cfg.execRoot, 'berth.sock')
  await listenUnix(api.server, socketPath, socketGid)
  log.info({ socket: socketPath, networks: store.state.networks.length, containers: store.state.containers.length }, 'berthd ready')
  let wasResetDone = false
  void reset.then(() => (wasResetDone = true))
  return {
    socketPath,
    reset,
    reload: async loaded => {
      const plan = planReload(current, loaded)
      // The group is looked up again even if unchanged: it may have been created since.
      const gid = await resolveSocketGroup(plan.next.group, log)
      current = plan.next
      log.level = current.logLevel
      fs.chownSync(socketPath, -1, gid ?? process.getgid?.() ?? 0)
      await dns.reconfigure()
      return plan
    },
    close: async () => {
      await api.shutdown(SHUTDOWN_DEADLINE_MS)
      firewall.close()
      processes.close()
      dns.close()
      fs.rmSync(socketPath, { force: true })
      releasePrefix()
      releasePid()
      // After a reset nothing of berth's is left: its runtime directory neither, when empty.
      if (wasResetDone) {
        try {
          fs.rmdirSync(cfg.execRoot)
        } catch {
          // not empty: not berth's alone
        }
      }
    },
  }
}
