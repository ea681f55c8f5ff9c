/**
 * Contents of a container's /etc/hosts and /etc/resolv.conf (pure).
 *
 * Two flavours of resolv.conf, as in Docker: on the default bridge the
 * upstream servers themselves; on user-defined networks berth's embedded
 * resolver at 127.0.0.11.
 */

/** The lines every container's /etc/hosts starts with (Docker's six). */
const STANDARD_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
]

/** /etc/hosts: the standard lines, `--link` lines, one line per address of the container. */
export const renderHosts = (hostname: string, ips: readonly string[], links: readonly string[] = []): string =>
  [...STANDARD_HOSTS, ...links, ...ips.map(ip => `${ip}\t${hostname}`)].join('\n') + '\n'

/** What berth keeps of the host's resolv.conf. */
export interface HostResolv {
  readonly nameservers: readonly string[]
  readonly search: readonly string[]
  readonly options: readonly string[]
}

/** Parses resolv.conf text (resolv.conf(5)); unknown lines are ignored. */
export const parseResolvConf = (text: string): HostResolv => {
  const nameservers: string[] = []
  let search: string[] = []
  const options: string[] = []
  for (const line of text.split('\n')) {
    const [key, ...values] = line.trim().split(/\s+/)
    if (key === 'nameserver' && values[0]) nameservers.push(values[0])
    else if (key === 'search' || key === 'domain') search = values
    else if (key === 'options') options.push(...values)
  }
  return { nameservers, search, options }
}

/** Docker's fallback when the host only has loopback resolvers. */
export const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4']

const isLoopbackOrV6 = (ip: string) => ip.startsWith('127.') || ip.includes(':')

/**
 * /etc/resolv.conf for a container: configured upstreams, else the host's
 * nameservers without loopback (unreachable from a netns) and IPv6 ones,
 * else Docker's fallback; the host's search and options are kept.
 */
export const renderResolvConf = (host: HostResolv, configured: readonly string[]): string => {
  const fromHost = host.nameservers.filter(ip => !isLoopbackOrV6(ip))
  const servers = configured.length > 0 ? configured : fromHost.length > 0 ? fromHost : FALLBACK_NAMESERVERS
  return [
    ...(host.search.length > 0 ? [`search ${host.search.join(' ')}`] : []),
    ...servers.map(s => `nameserver ${s}`),
    ...(host.options.length > 0 ? [`options ${host.options.join(' ')}`] : []),
  ].join('\n') + '\n'
}

/** The embedded resolver's address inside every container netns. */
export const EMBEDDED_DNS = '127.0.0.11'

/** True when the host's options set ndots explicitly (it changes forwarding, oracle §13). */
export const hasExplicitNdots = (host: HostResolv): boolean => host.options.some(o => o.startsWith('ndots:'))

/**
 * /etc/resolv.conf on a user-defined network (Docker): the host's search
 * list, `nameserver 127.0.0.11`, the host's options plus `ndots:0` when the
 * host sets no ndots.
 */
export const renderEmbeddedResolvConf = (host: HostResolv): string => {
  const options = hasExplicitNdots(host) ? host.options : [...host.options, 'ndots:0']
  return [
    ...(host.search.length > 0 ? [`search ${host.search.join(' ')}`] : []),
    `nameserver ${EMBEDDED_DNS}`,
    `options ${options.join(' ')}`,
  ].join('\n') + '\n'
}
