/**
 * The fields of Docker's request bodies (Engine API v1.41–v1.44, from
 * moby's api/types and docs/api/v1.4x.yaml) that berth does not act on.
 * Docker clients send them, mostly at their zero value, so each is typed
 * and accepted at its default and refused ("… is not supported by berth")
 * when it asks for something berth cannot do. The fields berth does act on
 * live in the parsers (parse-network.ts, parse-container.ts, parse-exec.ts).
 */
import { z } from 'zod'
import { bool, int, isEmpty, objectList, str, strList, unsupported } from './wire.js'

const SWARM = 'swarm mode'
const NO_IMAGE = 'a berth container has no image: it runs on the host filesystem'
const NO_IPV6 = 'berth networks are IPv4 only'

/** Any value is accepted: Docker itself ignores the field on input, or it is the client's own business. */
const ignored = <T extends z.ZodType>(schema: T) => schema

/** ContainerConfig (the top level of `POST /containers/create`) minus Hostname, MacAddress and Cmd. */
export const CONTAINER_CONFIG = {
  Domainname: unsupported(z.string()),
  User: unsupported(z.string(), 'commands run as root'),
  AttachStdin: unsupported(z.boolean(), 'a container has no stdin'),
  OpenStdin: unsupported(z.boolean(), 'a container has no stdin'),
  StdinOnce: unsupported(z.boolean()),
  Tty: unsupported(z.boolean(), 'no terminals'),
  // berth records stdout and stderr whatever a later attach wants.
  AttachStdout: ignored(bool),
  AttachStderr: ignored(bool),
  // Documentation only unless PublishAllPorts; the bindings are in HostConfig.PortBindings.
  ExposedPorts: ignored(z.record(z.string(), z.strictObject({})).nullish()),
  Env: unsupported(z.array(z.string()), 'the command runs with the daemon environment', isEmpty),
  Healthcheck: unsupported(z.record(z.string(), z.unknown())),
  ArgsEscaped: unsupported(z.boolean()),
  Image: unsupported(z.string(), NO_IMAGE),
  Volumes: unsupported(z.record(z.string(), z.unknown()), NO_IMAGE, isEmpty),
  WorkingDir: unsupported(z.string()),
  Entrypoint: unsupported(z.union([z.string(), z.array(z.string())]), 'put the whole command in Cmd'),
  NetworkDisabled: unsupported(z.boolean(), 'use HostConfig.NetworkMode "none"'),
  OnBuild: unsupported(z.array(z.string())),
  Labels: unsupported(z.record(z.string(), z.string()), undefined, isEmpty),
  StopSignal: unsupported(z.string()),
  StopTimeout: unsupported(z.number().int()),
  Shell: unsupported(z.array(z.string())),
}

const RESTART_DEFAULT = (v: unknown) => {
  const r = (v ?? {}) as { Name?: unknown; MaximumRetryCount?: unknown }
  return ['', 'no', undefined, null].includes(r.Name as string) && !r.MaximumRetryCount
}

/** Resources (inlined in HostConfig): berth sets no cgroup limits. */
const RESOURCES = Object.fromEntries(
  (
    [
      ['CpuShares', int], ['Memory', int], ['CgroupParent', str], ['BlkioWeight', int],
      ['BlkioWeightDevice', objectList], ['BlkioDeviceReadBps', objectList], ['BlkioDeviceWriteBps', objectList],
      ['BlkioDeviceReadIOps', objectList], ['BlkioDeviceWriteIOps', objectList], ['CpuPeriod', int], ['CpuQuota', int],
      ['CpuRealtimePeriod', int], ['CpuRealtimeRuntime', int], ['CpusetCpus', str], ['CpusetMems', str],
      ['Devices', objectList], ['DeviceCgroupRules', strList], ['DeviceRequests', objectList], ['KernelMemory', int],
      ['KernelMemoryTCP', int], ['MemoryReservation', int], ['MemorySwap', int], ['NanoCpus', int],
      ['OomKillDisable', bool], ['Ulimits', objectList], ['CpuCount', int], ['CpuPercent', int],
      ['IOMaximumIOps', int], ['IOMaximumBandwidth', int],
    ] as const
  ).map(([k, schema]) => [k, unsupported(schema, 'no resource limits')]),
) as Record<string, z.ZodType>

/** HostConfig minus NetworkMode, PortBindings and Links. */
export const HOST_CONFIG = {
  ...RESOURCES,
  // `docker create -1` (the CLI's default -1 means "unset", as do 0 and null).
  MemorySwappiness: unsupported(z.number().int(), 'no resource limits', v => v == null || v === -1),
  PidsLimit: unsupported(z.number().int(), 'no resource limits', v => v == null || v === 0 || v === -1),
  Binds: unsupported(z.array(z.string()), 'a container already sees the host filesystem', isEmpty),
  ContainerIDFile: ignored(str), // the docker CLI writes that file itself
  LogConfig: unsupported(z.record(z.string(), z.unknown()), 'output goes to the container log file'),
  RestartPolicy: unsupported(z.record(z.string(), z.unknown()), undefined, RESTART_DEFAULT),
  AutoRemove: unsupported(z.boolean(), 'remove the container after it exits (berth run --rm does)'),
  VolumeDriver: unsupported(z.string()),
  VolumesFrom: unsupported(z.array(z.string()), undefined, isEmpty),
  Mounts: unsupported(z.array(z.unknown()), 'a container already sees the host filesystem', isEmpty),
  ConsoleSize: ignored(z.array(z.number().int()).nullish()), // only used with a TTY
  Annotations: unsupported(z.record(z.string(), z.string()), undefined, isEmpty),
  Capabilities: unsupported(z.array(z.string()), undefined, isEmpty),
  CapAdd: unsupported(z.array(z.string()), 'commands run as root', isEmpty),
  CapDrop: unsupported(z.array(z.string()), 'commands run as root', isEmpty),
  CgroupnsMode: unsupported(z.string()),
  Dns: unsupported(z.array(z.string()), 'set the daemon --dns', isEmpty),
  DnsOptions: unsupported(z.array(z.string()), undefined, isEmpty),
  DnsSearch: unsupported(z.array(z.string()), undefined, isEmpty),
  ExtraHosts: unsupported(z.array(z.string()), undefined, isEmpty),
  GroupAdd: unsupported(z.array(z.string()), undefined, isEmpty),
  IpcMode: unsupported(z.string()),
  Cgroup: unsupported(z.string()),
  OomScoreAdj: unsupported(z.number().int()),
  PidMode: unsupported(z.string()),
  // A berth container's command already runs with the daemon's privileges.
  Privileged: ignored(bool),
  PublishAllPorts: unsupported(z.boolean(), 'publish each port in PortBindings'),
  ReadonlyRootfs: unsupported(z.boolean(), NO_IMAGE),
  SecurityOpt: unsupported(z.array(z.string()), undefined, isEmpty),
  StorageOpt: unsupported(z.record(z.string(), z.string()), undefined, isEmpty),
  Tmpfs: unsupported(z.record(z.string(), z.string()), undefined, isEmpty),
  UTSMode: unsupported(z.string()),
  UsernsMode: unsupported(z.string()),
  ShmSize: unsupported(z.number().int()),
  Sysctls: unsupported(z.record(z.string(), z.string()), 'set them with ip netns exec', isEmpty),
  Runtime: unsupported(z.string()),
  Isolation: unsupported(z.string(), undefined, v => v == null || v === '' || v === 'default'),
  MaskedPaths: unsupported(z.array(z.string()), undefined, isEmpty),
  ReadonlyPaths: unsupported(z.array(z.string()), undefined, isEmpty),
  Init: unsupported(z.boolean()),
}

/** EndpointIPAMConfig minus IPv4Address. */
export const ENDPOINT_IPAM_CONFIG = {
  IPv6Address: unsupported(z.string(), NO_IPV6),
  LinkLocalIPs: unsupported(z.array(z.string()), undefined, isEmpty),
}

/** EndpointSettings minus IPAMConfig, Aliases and MacAddress. */
export const ENDPOINT_SETTINGS = {
  Links: unsupported(z.array(z.string()), 'use HostConfig.Links when creating the container', isEmpty),
  DriverOpts: unsupported(z.record(z.string(), z.string()), undefined, isEmpty),
  GwPriority: unsupported(z.number().int()),
  // Operational data (what inspect shows); Docker ignores them on input.
  NetworkID: ignored(str),
  EndpointID: ignored(str),
  Gateway: ignored(str),
  IPAddress: ignored(str),
  IPPrefixLen: ignored(int),
  IPv6Gateway: ignored(str),
  GlobalIPv6Address: ignored(str),
  GlobalIPv6PrefixLen: ignored(int),
  DNSNames: ignored(strList),
}

/** NetworkCreateRequest fields beyond Name, Driver, IPAM, Internal, Attachable, EnableIPv6, Options, Labels. */
export const NETWORK_CREATE = {
  // Deprecated: Docker always refuses a duplicate name now, and so does berth.
  CheckDuplicate: ignored(bool),
  Scope: unsupported(z.string(), 'networks are local', v => v == null || v === '' || v === 'local'),
  EnableIPv4: unsupported(z.boolean(), NO_IPV6, v => v == null || v === true),
  Ingress: unsupported(z.boolean(), SWARM),
  ConfigOnly: unsupported(z.boolean()),
  ConfigFrom: unsupported(z.record(z.string(), z.unknown())),
}

/** IPAMConfig fields beyond Subnet, IPRange and Gateway. */
export const IPAM_CONFIG = {
  AuxiliaryAddresses: unsupported(z.record(z.string(), z.string()), undefined, isEmpty),
}

/** ExecConfig fields beyond Cmd. */
export const EXEC_CONFIG = {
  AttachStdin: ignored(bool),
  AttachStdout: ignored(bool),
  AttachStderr: ignored(bool),
  ConsoleSize: ignored(z.array(z.number().int()).nullish()),
  // Old clients (docker-py) repeat the container of the path.
  Container: ignored(str),
  Privileged: ignored(bool),
  Detach: unsupported(z.boolean(), 'the exec stream is always attached'),
  DetachKeys: unsupported(z.string()),
  Tty: unsupported(z.boolean(), 'no terminals'),
  Env: unsupported(z.array(z.string()), 'the command runs with the daemon environment', isEmpty),
  User: unsupported(z.string(), 'commands run as root'),
  WorkingDir: unsupported(z.string()),
}

/** ExecStartConfig: the body of `POST /exec/{id}/start`. */
export const EXEC_START = {
  Detach: unsupported(z.boolean(), 'the exec stream is always attached'),
  Tty: unsupported(z.boolean(), 'no terminals'),
  ConsoleSize: ignored(z.array(z.number().int()).nullish()),
}
