/**
 * The API's route table: data, not code paths (aesthetics P14). Handlers
 * only parse, call a service and serialise. Network routes follow Docker's
 * Engine API; container routes are berth's own, in Docker's style.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { forbidden, invalid } from '../errors.js'
import { PREDEFINED_MODES, findPredefined, predefinedJSON } from './predefined.js'
import { parseConnect, parseContainerCreate, parseDisconnect, parseExec } from '../model/parse-container.js'
import { parseNetworkCreate } from '../model/parse-network.js'
import type { ContainerService } from '../service/containers.js'
import type { EndpointService } from '../service/endpoints.js'
import type { ExecService } from '../service/exec.js'
import type { NetworkService } from '../service/networks.js'
import type { SystemService } from '../service/system.js'
import type { StateStore } from '../state/store.js'
import { toContainerJSON, toContainerSummary, toNetworkJSON } from './docker-types.js'
import { parseJsonBody, sendJson } from './http-util.js'
import { streamLogs } from './logs.js'
import { checkListQuery, checkLogsQuery, checkWaitCondition, flag, noFilters, onlyDefault, onlyFalse, queryBool } from './query.js'

/** What the handlers call. */
export interface Services {
  readonly networks: NetworkService
  readonly containers: ContainerService
  readonly endpoints: EndpointService
  readonly exec: ExecService
  readonly system: SystemService
  readonly store: StateStore
  readonly sandboxKey: (netns: string) => string
  /** Where the daemon keeps its data (the predefined networks' ids derive from it). */
  readonly dataRoot: string
  readonly version: string
}

/** One request as a handler sees it. */
export interface Call {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly params: readonly string[]
  readonly query: URLSearchParams
  /** The whole request body (within the server's limit; routes that take none ignore it, as Docker does). */
  readonly body: Buffer
}

/** A route: method, path pattern (groups become params), handler. */
export interface Route {
  readonly method: string
  readonly path: RegExp
  readonly handle: (call: Call, s: Services) => Promise<void>
}

const ID = '([^/]+)'
const p = (source: string) => new RegExp(`^${source}$`)
const param = (c: Call, i: number) => {
  try {
    return decodeURIComponent(c.params[i] ?? '')
  } catch {
    throw invalid('E_BAD_PATH', `invalid percent-encoding in path segment ${JSON.stringify(c.params[i])}`)
  }
}

/** The request's JSON body. */
const body = (c: Call) => parseJsonBody(c.body, c.req.headers['content-type'])

const networkJSON = (s: Services, ref: string) => toNetworkJSON(s.networks.inspect(ref), s.store.state)
const containerJSON = (s: Services, ref: string) => {
  const c = s.containers.inspect(ref)
  return toContainerJSON(c, s.store.state, s.sandboxKey(c.netns), s.containers.logs(c.id).path)
}

/** Every route of the API. */
export const ROUTES: readonly Route[] = [
  { method: 'GET', path: p('/_ping'), handle: async c => void c.res.end('OK') },
  { method: 'GET', path: p('/version'), handle: async (c, s) => sendJson(c.res, 200, { Version: s.version, ApiVersion: '1.41', Os: 'linux' }) },
  // Networks (Docker Engine API shapes)
  {
    method: 'GET',
    path: p('/networks'),
    handle: async (c, s) => {
      noFilters(c.query)
      sendJson(c.res, 200, [
        ...s.networks.list().map(n => networkJSON(s, n.id)),
        ...PREDEFINED_MODES.map(m => predefinedJSON(s.dataRoot, m, s.store.state)),
      ])
    },
  },
  {
    method: 'POST',
    path: p('/networks/create'),
    handle: async (c, s) => {
      const net = await s.networks.create(parseNetworkCreate(body(c)))
      sendJson(c.res, 201, { Id: net.id, Warning: '' })
    },
  },
  {
    method: 'POST',
    path: p('/networks/prune'),
    handle: async (c, s) => {
      noFilters(c.query)
      sendJson(c.res, 200, { NetworksDeleted: await s.networks.prune() })
    },
  },
  {
    method: 'GET',
    path: p(`/networks/${ID}`),
    handle: async (c, s) => {
      queryBool(c.query, 'verbose') // swarm details: berth has none to add
      onlyDefault(c.query, 'scope', ['', 'local'], 'networks are local')
      const ref = param(c, 0)
      const mode = s.store.state.networks.some(n => n.name === ref || n.id.startsWith(ref)) ? undefined : findPredefined(s.dataRoot, ref)
      sendJson(c.res, 200, mode ? predefinedJSON(s.dataRoot, mode, s.store.state) : networkJSON(s, ref))
    },
  },
  {
    method: 'DELETE',
    path: p(`/networks/${ID}`),
    handle: async (c, s) => {
      queryBool(c.query, 'verbose') // swarm details: berth has none to add
      onlyDefault(c.query, 'scope', ['', 'local'], 'networks are local')
      const ref = param(c, 0)
      const mode = findPredefined(s.dataRoot, ref)
      if (mode && !s.store.state.networks.some(n => n.id.startsWith(ref))) {
        throw forbidden('E_PREDEFINED', `${mode} is a pre-defined network and cannot be removed`)
      }
      await s.networks.remove(ref)
      c.res.writeHead(204).end()
    },
  },
  {
    method: 'POST',
    path: p(`/networks/${ID}/connect`),
    handle: async (c, s) => {
      const r = parseConnect(param(c, 0), body(c))
      await s.endpoints.connect(r.container, r.attach)
      sendJson(c.res, 200, {})
    },
  },
  {
    method: 'POST',
    path: p(`/networks/${ID}/disconnect`),
    handle: async (c, s) => {
      const r = parseDisconnect(body(c))
      await s.endpoints.disconnect(r.container, param(c, 0))
      sendJson(c.res, 200, {})
    },
  },
  // Whole-daemon operations (berth's own)
  {
    method: 'POST',
    path: p('/system/reconcile'),
    handle: async (c, s) => sendJson(c.res, 200, { Repaired: await s.system.reconcile() }),
  },
  {
    method: 'POST',
    path: p('/system/reset'),
    handle: async (c, s) => sendJson(c.res, 200, { Removed: await s.system.reset() }),
  },
  // Containers (sandboxes)
  {
    method: 'GET',
    path: p('/containers/json'),
    handle: async (c, s) => {
      checkListQuery(c.query)
      sendJson(c.res, 200, s.containers.list(flag(c.query, 'all')).map(x => toContainerSummary(x, s.store.state)))
    },
  },
  {
    method: 'POST',
    path: p('/containers/create'),
    handle: async (c, s) => {
      onlyDefault(c.query, 'platform', [''], 'containers run on the host')
      const created = await s.containers.create(parseContainerCreate(c.query.get('name') ?? undefined, body(c)))
      sendJson(c.res, 201, { Id: created.container.id, Warnings: created.warnings })
    },
  },
  {
    method: 'GET',
    path: p(`/containers/${ID}/json`),
    handle: async (c, s) => {
      queryBool(c.query, 'size')
      sendJson(c.res, 200, containerJSON(s, param(c, 0)))
    },
  },
  {
    method: 'POST',
    path: p(`/containers/${ID}/start`),
    handle: async (c, s) => {
      onlyDefault(c.query, 'detachKeys', [''])
      await s.containers.start(param(c, 0))
      c.res.writeHead(204).end()
    },
  },
  {
    method: 'POST',
    path: p(`/containers/${ID}/wait`),
    handle: async (c, s) => {
      checkWaitCondition(c.query)
      const gone = new AbortController()
      c.res.on('close', () => gone.abort())
      const code = await s.containers.wait(param(c, 0), gone.signal)
      if (!gone.signal.aborted) sendJson(c.res, 200, { StatusCode: code })
    },
  },
  {
    method: 'DELETE',
    path: p(`/containers/${ID}`),
    handle: async (c, s) => {
      queryBool(c.query, 'v') // volumes: berth has none
      onlyFalse(c.query, 'link', 'in Docker it removes a link, not the container')
      await s.containers.remove(param(c, 0), flag(c.query, 'force'))
      c.res.writeHead(204).end()
    },
  },
  {
    method: 'GET',
    path: p(`/containers/${ID}/logs`),
    handle: async (c, s) => {
      checkLogsQuery(c.query)
      await streamLogs(c, s.containers, param(c, 0), flag(c.query, 'follow'))
    },
  },
  {
    method: 'POST',
    path: p(`/containers/${ID}/exec`),
    handle: async (c, s) => sendJson(c.res, 201, { Id: s.exec.create(param(c, 0), parseExec(body(c)).cmd) }),
  },
]
