/**
 * Docker Engine API wire shapes (PascalCase) built from berth's model, so
 * `berth network inspect` reads like `docker network inspect`.
 */
import type { Container, Endpoint, Network, State } from '../model/types.js'
import { subnetOf } from '../drivers/bridge/plan-network.js'
import { endpointsOn } from '../service/state-ops.js'

/** `GET /networks/{id}` */
export const toNetworkJSON = (n: Network, s: State) => ({
  Name: n.name,
  Id: n.id,
  Created: n.created,
  Scope: 'local',
  Driver: n.driver,
  EnableIPv6: false,
  IPAM: {
    Driver: 'default',
    Options: {},
    Config: [{ Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) }],
  },
  Internal: n.internal,
  Attachable: n.attachable,
  Ingress: false,
  ConfigFrom: { Network: '' },
  ConfigOnly: false,
  Containers: Object.fromEntries(
    endpointsOn(s, n.id)
      .filter(({ endpoint }) => endpoint.status === 'ready')
      .map(({ container, endpoint }) => [
        container.id,
        {
          Name: container.name,
          EndpointID: endpoint.id,
          MacAddress: endpoint.mac,
          IPv4Address: `${endpoint.ip}/${subnetOf(n).prefix}`,
          IPv6Address: '',
        },
      ]),
  ),
  Options: n.options,
  Labels: n.labels,
})

const endpointJSON = (ep: Endpoint, n: Network | undefined) => ({
  IPAMConfig: null,
  Links: null,
  Aliases: null,
  NetworkID: ep.networkId,
  EndpointID: ep.id,
  Gateway: n?.gateway ?? '',
  IPAddress: ep.ip,
  IPPrefixLen: n ? subnetOf(n).prefix : 0,
  IPv6Gateway: '',
  GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0,
  MacAddress: ep.mac,
  DriverOpts: null,
})

const networksJSON = (c: Container, s: State) =>
  Object.fromEntries(
    c.endpoints
      .filter(e => e.status === 'ready')
      .map(ep => {
        const n = s.networks.find(x => x.id === ep.networkId)
        return [n?.name ?? ep.networkId, endpointJSON(ep, n)]
      }),
  )

const networkModeOf = (c: Container, s: State): string => {
  if (c.mode === 'host' || c.mode === 'none') return c.mode
  if (c.mode === 'container') return `container:${c.joined ?? ''}`
  const first = s.networks.find(n => n.id === c.endpoints[0]?.networkId)
  return first?.isDefault ? 'default' : first?.name ?? 'none'
}

const stateName = (c: Container) => c.process.status

/** `{"80/tcp": [{HostIp, HostPort}]}`, from the chosen or the requested side. */
const portMap = (c: Container, side: 'chosen' | 'requested') => {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {}
  for (const p of c.ports) {
    const v = side === 'chosen' ? { HostIp: p.hostIp, HostPort: String(p.hostPort) } : { HostIp: p.requested.hostIp, HostPort: p.requested.hostPort }
    ;(out[`${p.containerPort}/${p.proto}`] ??= []).push(v)
  }
  return out
}

/** `GET /containers/{id}/json` */
export const toContainerJSON = (c: Container, s: State, sandboxKey: string, logPath: string) => {
  const onDefault = c.endpoints.find(e => s.networks.find(n => n.id === e.networkId)?.isDefault)
  const primary = onDefault ? endpointJSON(onDefault, s.networks.find(n => n.id === onDefault.networkId)) : undefined
  return {
    Id: c.id,
    Created: c.created,
    Path: c.cmd[0] ?? '',
    Args: c.cmd.slice(1),
    State: {
      Status: stateName(c),
      Running: c.process.status === 'running',
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: c.process.pid ?? 0,
      ExitCode: c.process.exitCode ?? 0,
      Error: '',
      StartedAt: c.process.startedAt ?? '0001-01-01T00:00:00Z',
      FinishedAt: c.process.finishedAt ?? '0001-01-01T00:00:00Z',
    },
    Name: `/${c.name}`,
    LogPath: logPath,
    Config: { Hostname: c.hostname, Cmd: c.cmd.length > 0 ? c.cmd : null },
    HostConfig: { NetworkMode: networkModeOf(c, s), PortBindings: portMap(c, 'requested') },
    NetworkSettings: {
      SandboxID: c.id,
      Ports: portMap(c, 'chosen'),
      SandboxKey: sandboxKey,
      Gateway: primary?.Gateway ?? '',
      IPAddress: primary?.IPAddress ?? '',
      IPPrefixLen: primary?.IPPrefixLen ?? 0,
      MacAddress: primary?.MacAddress ?? '',
      Networks: networksJSON(c, s),
    },
  }
}

/** Docker's human durations, exactly as go-units' HumanDuration words them. */
export const humanDuration = (ms: number): string => {
  const seconds = Math.floor(ms / 1000)
  const minutes = Math.floor(ms / 60_000)
  const hours = Math.round(ms / 3_600_000)
  if (seconds < 1) return 'Less than a second'
  if (seconds === 1) return '1 second'
  if (seconds < 60) return `${seconds} seconds`
  if (minutes === 1) return 'About a minute'
  if (minutes < 60) return `${minutes} minutes`
  if (hours === 1) return 'About an hour'
  if (hours < 48) return `${hours} hours`
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`
}

/** The STATUS column of `ps`. */
export const statusText = (c: Container, now = Date.now()): string => {
  const p = c.process
  if (p.status === 'running') return `Up ${humanDuration(now - Date.parse(p.startedAt ?? c.created))}`
  if (p.status === 'exited') return `Exited (${p.exitCode ?? 0}) ${humanDuration(now - Date.parse(p.finishedAt ?? c.created))} ago`
  return 'Created'
}

/** `GET /containers/json` */
export const toContainerSummary = (c: Container, s: State) => ({
  Id: c.id,
  Names: [`/${c.name}`],
  Command: c.cmd.join(' '),
  Created: Math.floor(Date.parse(c.created) / 1000),
  State: stateName(c),
  Status: statusText(c),
  Ports: c.ports.map(p => ({ IP: p.hostIp, PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.proto })),
  HostConfig: { NetworkMode: networkModeOf(c, s) },
  NetworkSettings: { Networks: networksJSON(c, s) },
})
