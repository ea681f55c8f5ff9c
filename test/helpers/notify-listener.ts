/**
 * Stands in for systemd's notification socket: a unix datagram socket
 * (python3, since Node cannot receive unix datagrams) that reports every
 * message it gets. When `probe` names berthd's API socket, the listener
 * tries to connect to it the moment each message arrives, so a test can
 * tell whether the API accepted connections when READY=1 was sent.
 */
import { spawn } from 'node:child_process'
import readline from 'node:readline'

const SCRIPT = `
import json, socket, sys
addr, probe = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + addr[1:] if addr.startswith("@") else addr)
print(json.dumps({"listening": True}), flush=True)
while True:
    msg = s.recv(65536).decode()
    api = None
    if probe:
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            c.connect(probe)
            api = True
        except OSError:
            api = False
        finally:
            c.close()
    print(json.dumps({"msg": msg, "api": api}), flush=True)
`

/** One notification: its fields, and whether the API socket accepted right then. */
export interface Notification {
  readonly fields: Readonly<Record<string, string>>
  readonly api: boolean | null
}

/** The listener: every notification so far, and a way to wait for the next ones. */
export interface NotifyListener {
  readonly received: readonly Notification[]
  /** Waits for a notification (after the `from`-th) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (n: Notification) => boolean, from?: number, timeoutMs?: number): Promise<Notification>
}

const parseFields = (msg: string): Record<string, string> =>
  Object.fromEntries(msg.split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))

/**
 * Listens on `address` (a path, or `@name` for the abstract namespace,
 * which belongs to a netns: pass the netns the sender runs in). The
 * process is killed by PID when the test ends.
 */
export const listenNotify = async (
  t: { teardown(fn: () => unknown): void },
  address: string,
  opts: { netns?: string; probe?: string } = {},
): Promise<NotifyListener> => {
  const argv = ['python3', '-c', SCRIPT, address, opts.probe ?? '']
  const child = spawn(opts.netns ? 'nsenter' : argv[0] ?? '', opts.netns ? [`--net=/run/netns/${opts.netns}`, ...argv] : argv.slice(1), {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => child.kill('SIGKILL'))
  const received: Notification[] = []
  const waiters = new Set<() => void>()
  let listening: () => void = () => undefined
  const ready = new Promise<void>((resolve, reject) => {
    listening = resolve
    child.once('exit', code => reject(new Error(`notify listener exited ${code}`)))
  })
  readline.createInterface({ input: child.stdout }).on('line', line => {
    const m = JSON.parse(line) as { listening?: boolean; msg?: string; api?: boolean | null }
    if (m.listening) return listening()
    received.push({ fields: parseFields(m.msg ?? ''), api: m.api ?? null })
    for (const w of waiters) w()
  })
  await ready
  return {
    received,
    waitFor: (pred, from = 0, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = received.slice(from).find(pred)
          if (!hit) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(hit)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no matching notification in ${timeoutMs} ms; got ${JSON.stringify(received)}`))
        }, timeoutMs)
        waiters.add(check)
        check()
      }),
  }
}
