/**
 * berthd's life as a service manager sees it:
 * - started: READY=1 once the API socket accepts and reconciliation is done;
 * - SIGTERM/SIGINT: STOPPING=1, mutating requests in flight finish, exit 0;
 *   the data plane stays up (the next berthd adopts it);
 * - after `berth system reset`: STOPPING=1 and exit 0 (nothing is left to keep up);
 * - SIGHUP: RELOADING=1, daemon.json read again (flags still win), what can
 *   change live is applied, READY=1. A file that cannot be read or is
 *   invalid changes nothing: logged, and the daemon runs on.
 * Signals that arrive while the daemon is starting are acted on once it is
 * up (Node's default action for SIGHUP would end the process).
 */
import type { Logger } from 'pino'
import { messageOf } from '../errors.js'
import type { DaemonConfig } from '../model/types.js'
import type { Daemon } from './daemon.js'
import type { SystemdNotifier } from './sd-notify.js'

/** What the signal handling drives. */
export interface Lifecycle {
  /** Starts the daemon (reconciles, listens). */
  start(): Promise<Daemon>
  /** Reads and resolves the configuration again; throws when unreadable or invalid. */
  loadConfig(): DaemonConfig
  readonly notifier: SystemdNotifier
  readonly log: Logger
  /** Ends the process. */
  exit(code: number): void
}

/** Signals after the first stop signal that force an exit (dockerd: 3 interrupts). */
const FORCE_AFTER = 3

/** Reloads once; returns the status line for READY=1. */
const reload = async (d: Daemon, o: Lifecycle): Promise<string> => {
  try {
    const plan = await d.reload(o.loadConfig())
    for (const key of plan.needRestart) {
      o.log.warn({ key }, `configuration key "${key}" changed: it needs a restart to take effect; keeping the running value`)
    }
    o.log.info({ changed: plan.changed, needRestart: plan.needRestart }, 'configuration reloaded')
    const restart = plan.needRestart.length > 0 ? `; restart to apply ${plan.needRestart.join(', ')}` : ''
    return `configuration reloaded (${plan.changed.length > 0 ? plan.changed.join(', ') : 'no change'})${restart}`
  } catch (e) {
    o.log.error({ err: e }, `configuration reload failed, keeping the running configuration: ${messageOf(e)}`)
    return `configuration reload failed, running with the previous one: ${messageOf(e)}`
  }
}

/**
 * Starts the daemon and handles its signals. Resolves once it serves;
 * rejects when it could not start (the caller exits non-zero).
 */
export const runDaemon = (o: Lifecycle): Promise<Daemon> => {
  let stopping = false
  let stopSignals = 0
  const started = o.start().then(d => {
    if (!stopping) o.notifier.ready(`serving on ${d.socketPath}`)
    return d
  })
  // Reloads and the stop run one after the other, after the start.
  let queue: Promise<unknown> = started.catch(() => undefined)
  const then = (work: (d: Daemon) => Promise<void>) => {
    queue = queue.then(() => started.then(work)).catch(() => undefined)
  }

  const stop = (signal: NodeJS.Signals | 'reset') => {
    if (stopping) {
      if (++stopSignals >= FORCE_AFTER) {
        o.log.warn({ signal }, `${FORCE_AFTER} stop signals: exiting now, without waiting for requests in flight`)
        o.exit(1)
      }
      return
    }
    stopping = true
    stopSignals = 1
    if (signal === 'reset') o.log.info('reset: every container, network, rule and state file berth made is gone; stopping')
    else o.log.info({ signal }, 'stopping; containers and their networks stay up')
    o.notifier.stopping('stopping: finishing requests in flight')
    then(async d => {
      try {
        await d.close()
      } catch (e) {
        o.log.error({ err: e }, 'stopping failed')
        o.exit(1)
        return
      }
      o.exit(0)
    })
  }
  void started.then(d => d.reset).then(() => stop('reset'), () => undefined)
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGHUP', () => {
    o.log.info({ signal: 'SIGHUP' }, 'reloading the configuration')
    then(async d => {
      if (stopping) return
      o.notifier.reloading('reloading configuration')
      const status = await reload(d, o)
      o.notifier.ready(status)
    })
  })
  return started
}
