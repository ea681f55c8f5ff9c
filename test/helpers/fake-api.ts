/**
 * The real API server (createApiServer) in-process on a temp unix socket,
 * over fake services that only record what they were asked: for tests of
 * the HTTP layer alone (timeouts, limits, abuse), with short timeouts.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import type { Services } from '../../src/api/routes.js'
import { type ApiTimeouts, createApiServer, listenUnix } from '../../src/api/server.js'
import { notFound } from '../../src/errors.js'

/** The one exec id the fake knows; its command is `execScript`. */
export const FAKE_EXEC_ID = 'abc123'

export interface FakeApiOptions {
  readonly timeouts?: Partial<ApiTimeouts>
  readonly bodyLimit?: number
  /** How long a network create takes. */
  readonly createMs?: number
  /** How long a container wait takes. */
  readonly waitMs?: number
  /** The shell script an exec runs (default: cat, so stdin comes back). */
  readonly execScript?: string
}

export interface FakeApi {
  readonly socket: string
  /** What the services were asked, in order (`create:start:NAME`, `create:done:NAME`, …). */
  readonly events: string[]
  /** Log lines at level error or above. */
  errors(): { msg: string }[]
  close(): Promise<void>
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

export const startFakeApi = async (o: FakeApiOptions = {}): Promise<FakeApi> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fake-api-'))
  const socket = path.join(dir, 'api.sock')
  const events: string[] = []
  const lines: string[] = []
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) })
  const services = {
    networks: {
      list: () => [],
      inspect: (ref: string) => {
        throw notFound('E_NETWORK_NOT_FOUND', `network ${ref} not found`)
      },
      create: async (r: { name: string }) => {
        events.push(`create:start:${r.name}`)
        await sleep(o.createMs ?? 0)
        events.push(`create:done:${r.name}`)
        return { id: 'f'.repeat(64) }
      },
      prune: async () => {
        events.push('prune')
        return []
      },
    },
    containers: {
      list: () => [],
      wait: async () => {
        events.push('wait')
        await sleep(o.waitMs ?? 0)
        return 7
      },
      remove: async (ref: string) => void events.push(`remove:${ref}`),
    },
    exec: {
      start: (id: string) => {
        if (id !== FAKE_EXEC_ID) throw notFound('E_EXEC_NOT_FOUND', `no such exec instance: ${id}`)
        events.push('exec')
        return spawn('sh', ['-c', o.execScript ?? 'cat'], { stdio: ['pipe', 'pipe', 'pipe'] })
      },
    },
    store: { state: { networks: [], containers: [] } },
    dataRoot: dir,
    version: 'fake',
    sandboxKey: () => '',
  } as unknown as Services
  const api = createApiServer(services, log, {
    ...(o.timeouts ? { timeouts: o.timeouts } : {}),
    ...(o.bodyLimit === undefined ? {} : { bodyLimit: o.bodyLimit }),
  })
  await listenUnix(api.server, socket)
  return {
    socket,
    events,
    errors: () => lines.map(l => JSON.parse(l) as { level: number; msg: string }).filter(l => l.level >= 50),
    close: async () => {
      await api.shutdown(200)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
