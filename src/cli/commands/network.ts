/**
 * `berth network create|ls|inspect|rm|prune|connect|disconnect`.
 */
import type { Command } from 'commander'
import type { ApiClient } from '../client.js'
import { inspectEach, removeEach } from '../each.js'
import { keyValues, short, table } from '../format.js'

type Client = () => ApiClient
const collect = (v: string, acc: string[]) => [...acc, v]
const out = (text: string) => void process.stdout.write(text)

interface NetworkJSON {
  Id: string
  Name: string
  Driver: string
  Scope: string
}

/** Registers the network commands. */
export const registerNetworkCommands = (program: Command, client: Client): void => {
  const network = program.command('network').description('manage networks')

  network
    .command('create')
    .description('create a bridge network')
    .argument('<name>')
    .option('-d, --driver <driver>', 'network driver', 'bridge')
    .option('--subnet <cidr>', 'subnet, e.g. 172.20.0.0/16 (default: the next free pool)')
    .option('--gateway <ip>', 'gateway address (default: the first address of the subnet)')
    .option('--ip-range <cidr>', 'allocate container addresses from this sub-range')
    .option('-o, --opt <key=value>', 'driver option, e.g. com.docker.network.bridge.name=br0 (repeatable)', collect, [])
    .option('--label <key=value>', 'network label (repeatable)', collect, [])
    .option('--internal', 'restrict external access to the network')
    .option('--attachable', 'accepted for compatibility')
    .action(async (name: string, o: Record<string, string | string[] | boolean | undefined>) => {
      const ipam = o.subnet || o.gateway || o.ipRange ? [{ Subnet: o.subnet, Gateway: o.gateway, IPRange: o.ipRange }] : []
      const r = await client().json<{ Id: string }>('POST', '/networks/create', {
        Name: name,
        Driver: o.driver,
        Internal: Boolean(o.internal),
        Attachable: Boolean(o.attachable),
        IPAM: { Driver: 'default', Config: ipam },
        Options: keyValues(o.opt as string[], 'option'),
        Labels: keyValues(o.label as string[], 'label'),
      })
      out(`${r.Id}\n`)
    })

  network
    .command('ls')
    .alias('list')
    .description('list networks')
    .option('-q, --quiet', 'only network ids')
    .option('--no-trunc', 'full ids')
    .action(async (o: { quiet?: boolean; trunc: boolean }) => {
      const nets = await client().json<NetworkJSON[]>('GET', '/networks')
      const id = (n: NetworkJSON) => (o.trunc ? short(n.Id) : n.Id)
      if (o.quiet) return out(nets.map(n => `${id(n)}\n`).join(''))
      out(table(['NETWORK ID', 'NAME', 'DRIVER', 'SCOPE'], nets.map(n => [id(n), n.Name, n.Driver, n.Scope])))
    })

  network
    .command('inspect')
    .description('show networks in detail (Docker JSON)')
    .argument('<network...>')
    .action((refs: string[]) => inspectEach(client(), refs, 'network', ref => `/networks/${ref}`))

  network
    .command('rm')
    .alias('remove')
    .description('remove networks')
    .argument('<network...>')
    .action((refs: string[]) => removeEach(client(), refs, ref => `/networks/${ref}`))

  network
    .command('prune')
    .description('remove all networks no container uses')
    .option('-f, --force', 'do not prompt (berth never prompts)')
    .action(async () => {
      const r = await client().json<{ NetworksDeleted: string[] }>('POST', '/networks/prune')
      if (r.NetworksDeleted.length > 0) out(`Deleted Networks:\n${r.NetworksDeleted.map(n => `${n}\n`).join('')}`)
    })

  network
    .command('connect')
    .description('connect a container to a network')
    .argument('<network>')
    .argument('<container>')
    .option('--ip <ip>', 'IPv4 address on that network')
    .option('--alias <name>', 'an extra DNS name on that network (repeatable)', collect, [])
    .action(async (net: string, container: string, o: { ip?: string; alias: string[] }) => {
      await client().json('POST', `/networks/${encodeURIComponent(net)}/connect`, {
        Container: container,
        EndpointConfig: { IPAMConfig: o.ip ? { IPv4Address: o.ip } : undefined, Aliases: o.alias },
      })
    })

  network
    .command('disconnect')
    .description('disconnect a container from a network')
    .argument('<network>')
    .argument('<container>')
    .option('-f, --force', 'accepted for compatibility')
    .action(async (net: string, container: string) => {
      await client().json('POST', `/networks/${encodeURIComponent(net)}/disconnect`, { Container: container })
    })
}
