/**
 * The persisted state document: its schema, version and migrations. This is
 * the second place (after model/parse) where untyped input becomes typed.
 */
import { z } from 'zod'
import { systemError } from '../errors.js'
import type { Container, State } from '../model/types.js'

/** Version written by this berth. Bump it and add a migration on change. */
export const STATE_VERSION = 2

const Lifecycle = z.enum(['creating', 'ready', 'removing'])
const StringMap = z.record(z.string(), z.string())

const NetworkJSON = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.enum(['bridge', 'macvlan', 'ipvlan']),
  parent: z.string().optional(),
  driverMode: z.string().optional(),
  created: z.string(),
  subnet: z.string(),
  gateway: z.string(),
  ipRange: z.string().optional(),
  userSubnet: z.boolean(),
  bridge: z.string(),
  mtu: z.number().int().optional(),
  internal: z.boolean(),
  icc: z.boolean().default(true),
  masquerade: z.boolean().default(true),
  attachable: z.boolean(),
  isDefault: z.boolean(),
  options: StringMap,
  labels: StringMap,
  status: Lifecycle,
})

const EndpointJSON = z.object({
  id: z.string(),
  networkId: z.string(),
  ifname: z.string(),
  hostIfname: z.string(),
  ip: z.string(),
  mac: z.string(),
  aliases: z.array(z.string()).default([]),
  status: Lifecycle,
})

const ProcessJSON = z.object({
  status: z.enum(['created', 'running', 'exited']),
  pid: z.number().int().optional(),
  pidStart: z.number().optional(),
  exitCode: z.number().int().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
})

const PortJSON = z.object({
  proto: z.enum(['tcp', 'udp']),
  containerPort: z.number().int(),
  hostIp: z.string(),
  hostPort: z.number().int(),
  requested: z.object({ hostIp: z.string(), hostPort: z.string() }),
})

const ContainerJSON = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  created: z.string(),
  mode: z.enum(['bridge', 'none', 'host', 'container']).default('bridge'),
  joined: z.string().optional(),
  netns: z.string(),
  cmd: z.array(z.string()),
  endpoints: z.array(EndpointJSON),
  ports: z.array(PortJSON).default([]),
  links: z.array(z.object({ container: z.string(), alias: z.string() })).default([]),
  nextIfIndex: z.number().int(),
  process: ProcessJSON,
  status: Lifecycle,
})

const StateJSON = z.object({
  version: z.literal(STATE_VERSION),
  networks: z.array(NetworkJSON),
  containers: z.array(ContainerJSON),
  poolCursor: z.number().int(),
  forwardingByBerth: z.boolean().optional(),
  bridgeNetfilter: z.boolean().optional(),
})

/**
 * Migrations from version N to N+1, keyed by N, on the assembled document.
 * 1 → 2: containers moved from state.json to one file each (the store
 * assembles them), the document itself is unchanged.
 */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  1: doc => ({ ...doc, version: 2 }),
}

/** An empty state: what a first start begins with. */
export const emptyState = (): State => ({ networks: [], containers: [], poolCursor: -1 })

/** Parses a stored document, migrating older versions forward. */
export const parseState = (raw: unknown, source: string): State => {
  let doc = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
  const version = doc.version
  if (typeof version !== 'number') throw systemError('E_STATE', `${source}: not a berth state document (no version)`)
  if (version > STATE_VERSION) {
    throw systemError('E_STATE', `${source}: written by a newer berth (state version ${version}, this berth knows ${STATE_VERSION})`)
  }
  for (let v = version; v < STATE_VERSION; v++) {
    const migrate = MIGRATIONS[v]
    if (!migrate) throw systemError('E_STATE', `${source}: no migration from state version ${v}`)
    doc = migrate(doc)
  }
  const parsed = StateJSON.safeParse(doc)
  if (!parsed.success) {
    throw systemError('E_STATE', `${source}: invalid state: ${parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  }
  const { version: _v, ...state } = parsed.data
  return state
}

/** state.json: everything but the containers. */
export const serializeStateFile = (state: State): string => {
  const { containers: _c, ...rest } = state
  return `${JSON.stringify({ version: STATE_VERSION, ...rest }, null, 2)}\n`
}

/** One container's file. */
export const serializeContainer = (c: Container): string => `${JSON.stringify(c, null, 2)}\n`
