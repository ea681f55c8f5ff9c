/**
 * systemd's readiness protocol for `Type=notify` (sd_notify(3)): newline
 * separated `KEY=value` assignments in one datagram to `$NOTIFY_SOCKET`.
 * berthd says READY=1 once its API socket accepts connections and the start
 * reconciliation is done, RELOADING=1 … READY=1 around a SIGHUP reload and
 * STOPPING=1 when it begins to stop. Without `$NOTIFY_SOCKET` (not started
 * by systemd) every call does nothing.
 */
import type { Logger } from 'pino'
import { messageOf } from '../errors.js'

/** Sends one datagram to a unix datagram socket (the native addon's notifyDatagram). */
export type SendDatagram = (socketPath: string, message: string) => void

/** Renders the assignments of one notification; values are single lines. */
export const renderNotification = (fields: Readonly<Record<string, string | number | bigint>>): string =>
  Object.entries(fields)
    .map(([k, v]) => `${k}=${String(v).replace(/\s*\n\s*/g, ' ')}`)
    .join('\n')

/** Tells the service manager how the daemon is doing. */
export class SystemdNotifier {
  private constructor(
    private readonly socketPath: string | undefined,
    private readonly send: SendDatagram,
    private readonly log: Logger,
  ) {}

  /**
   * A notifier for `$NOTIFY_SOCKET`, which it removes from `env`: container
   * processes and exec'd commands are berthd's children and must not talk
   * to systemd on berthd's behalf (sd_notify(3)'s `unset_environment`).
   */
  static fromEnv(env: NodeJS.ProcessEnv, send: SendDatagram, log: Logger): SystemdNotifier {
    const socketPath = env.NOTIFY_SOCKET || undefined
    delete env.NOTIFY_SOCKET
    return new SystemdNotifier(socketPath, send, log)
  }

  /** Whether a service manager listens. */
  get enabled(): boolean {
    return this.socketPath !== undefined
  }

  /** Serving: `systemctl start` (or a reload) completes. */
  ready(status: string): void {
    this.#notify({ READY: 1, STATUS: status, MAINPID: process.pid })
  }

  /** A configuration reload began; `ready()` ends it. */
  reloading(status: string): void {
    // MONOTONIC_USEC (CLOCK_MONOTONIC, like process.hrtime) is what
    // Type=notify-reload (systemd 253+) needs; older versions ignore it.
    this.#notify({ RELOADING: 1, MONOTONIC_USEC: process.hrtime.bigint() / 1000n, STATUS: status })
  }

  /** The daemon began to stop. */
  stopping(status: string): void {
    this.#notify({ STOPPING: 1, STATUS: status })
  }

  /** Free-form status shown by `systemctl status`. */
  status(status: string): void {
    this.#notify({ STATUS: status })
  }

  #notify(fields: Readonly<Record<string, string | number | bigint>>): void {
    if (this.socketPath === undefined) return
    try {
      this.send(this.socketPath, renderNotification(fields))
    } catch (e) {
      // systemd's own sd_notify callers carry on too: serving matters more.
      this.log.warn({ notifySocket: this.socketPath }, `could not notify the service manager: ${messageOf(e)}`)
    }
  }
}
