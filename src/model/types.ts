import type { PortMapping } from './ports.js'

/**
 * berth's domain model. These objects are what the state document holds and
 * what the planners read; the kernel is derived from them, never the other
 * way round (ARCHITECTURE.md §4).
 */

/**
 * Where an object is in its life. `creating`/`removing` are recorded before
 * the kernel is touched, so a crash mid-operation can be finished or undone
 * at the next start.
 */
export type Lifecycle = 'creating' | 'ready' | 'removing'

/** A bridge network (Docker's `bridge` driver). */
export interface Network {
  readonly id: string
  readonly name: string
  readonly driver: 'bridge' | 'macvlan' | 'ipvlan'
  readonly created: string
  /** Canonical CIDR text, e.g. `172.18.0.0/16`. */
  readonly subnet: string
  readonly gateway: string
  readonly ipRange?: string | undefined
  /** True when the user chose the subnet (Docker allows `--ip` only then). */
  readonly userSubnet: boolean
  /**
   * The kernel link berth owns for the network: the bridge; for macvlan and
   * ipvlan the VLAN sub-interface or dummy berth made as parent, or '' when
   * the parent is the user's.
   */
  readonly bridge: string
  /** macvlan/ipvlan: the parent link (Docker's `-o parent=`). */
  readonly parent?: string | undefined
  /** macvlan_mode (bridge, private, vepa, passthru) or ipvlan_mode (l2, l3, l3s). */
  readonly driverMode?: string | undefined
  readonly mtu?: number | undefined
  readonly internal: boolean
  /** Containers of this network may talk to each other (`enable_icc`, default true). */
  readonly icc: boolean
  /** Outbound traffic is masqueraded (`enable_ip_masquerade`, default true). */
  readonly masquerade: boolean
  readonly attachable: boolean
  /** The predefined network `bridge` (kernel bridge `berth0` by default). */
  readonly isDefault: boolean
  readonly options: Readonly<Record<string, string>>
  readonly labels: Readonly<Record<string, string>>
  readonly status: Lifecycle
}

/** One network attachment of a container: a veth pair. */
export interface Endpoint {
  readonly id: string
  readonly networkId: string
  /** Interface name inside the container, `eth0`, `eth1`, … */
  readonly ifname: string
  /** Host-side veth name, `veth<7 hex>`. */
  readonly hostIfname: string
  readonly ip: string
  readonly mac: string
  /** Extra DNS names on this network (`--network-alias`, `connect --alias`). */
  readonly aliases: readonly string[]
  readonly status: Lifecycle
}

/** A legacy `--link NAME[:ALIAS]` (default bridge): /etc/hosts entries only. */
export interface Link {
  readonly container: string
  readonly alias: string
}

/** What the container's process is doing. */
export interface ProcessState {
  readonly status: 'created' | 'running' | 'exited'
  readonly pid?: number | undefined
  /** Kernel start time of `pid` (clock ticks), to detect PID reuse. */
  readonly pidStart?: number | undefined
  readonly exitCode?: number | undefined
  readonly startedAt?: string | undefined
  readonly finishedAt?: string | undefined
}

/** A sandbox: a named netns, its endpoints, and the process berth runs in it. */
export interface Container {
  readonly id: string
  readonly name: string
  readonly hostname: string
  readonly created: string
  /**
   * Network mode: `bridge` (its own netns with endpoints on networks),
   * `none` (its own netns, only lo), `host` (the daemon's netns), or
   * `container` (the netns of container `joined`).
   */
  readonly mode: 'bridge' | 'none' | 'host' | 'container'
  readonly joined?: string | undefined
  /** Netns name under /run/netns (`<netns-prefix><name>`; the owner's in container mode; '' in host mode). */
  readonly netns: string
  readonly cmd: readonly string[]
  readonly endpoints: readonly Endpoint[]
  /** Published ports (DNAT'ed to the endpoint that carries the default route). */
  readonly ports: readonly PortMapping[]
  readonly links: readonly Link[]
  /** Next `ethN` index; only ever grows within a sandbox (oracle §2). */
  readonly nextIfIndex: number
  readonly process: ProcessState
  readonly status: Lifecycle
}

/** An address pool for automatic subnets (`--default-address-pool`). */
export interface AddressPool {
  readonly base: string
  readonly size: number
}

/** Everything berth remembers; persisted as one versioned JSON document. */
export interface State {
  readonly networks: readonly Network[]
  readonly containers: readonly Container[]
  /** Index of the last pool subnet handed out (round-robin like Docker). */
  readonly poolCursor: number
  /**
   * True when berth itself turned on IPv4 forwarding in its netns: like
   * Docker (which then sets FORWARD policy DROP), berth then drops forwarded
   * traffic that is not its own, so the host does not become an open router.
   */
  readonly forwardingByBerth?: boolean | undefined
  /**
   * True when bridged IPv4 frames also pass the IP hooks in berth's netns
   * (br_netfilter, bridge-nf-call-iptables=1), observed at each start.
   */
  readonly bridgeNetfilter?: boolean | undefined
}

/** The daemon's resolved configuration (flags + daemon.json + defaults). */
export interface DaemonConfig {
  readonly dataRoot: string
  readonly execRoot: string
  readonly netnsPrefix: string
  readonly bridge: string
  /** Gateway address with prefix, e.g. `172.17.0.1/16`. */
  readonly bip: string
  readonly defaultAddressPools: readonly AddressPool[]
  /** Upstream DNS servers; empty means "the host's resolv.conf". */
  readonly dns: readonly string[]
  /** The host's resolver configuration (search, options, nameservers). */
  readonly resolvConf: string
  /** TTL of the embedded DNS's answers, seconds (Docker: 600). */
  readonly dnsTtl: number
  readonly logLevel: string
  /**
   * The API socket's group (name or gid), given explicitly; absent: the
   * default group `berth` if it exists (dockerd's `-G` and `docker` group).
   */
  readonly group?: string
  /** Directory holding named netns (ip-netns(8) uses /run/netns). */
  readonly netnsDir: string
  /** Directory whose `<netns>/` files ip-netns(8) mounts over /etc. */
  readonly etcNetnsDir: string
}
