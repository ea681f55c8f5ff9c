// The HTTP API over the unix socket: Docker Engine paths and shapes for
// networks (a Docker client can drive them), errors as {"message"} with
// proper status codes, and the socket's permissions.
import fs from 'node:fs'
import http from 'node:http'
import t from 'tap'
import { cannotRun, world } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

const call = (socketPath: string, method: string, path: string, body?: string) =>
  new Promise<{ status: number; json: any }>((resolve, reject) => {
    const req = http.request({ socketPath, method, path, headers: body ? { 'Content-Type': 'application/json' } : {} }, res => {
      let text = ''
      res.on('data', d => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }))
    })
    req.on('error', reject)
    req.end(body)
  })

t.test('Docker-compatible network routes', async t => {
  const w = await world(t)
  const api = (method: string, path: string, body?: unknown) =>
    call(w.socket, method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body))

  t.equal(fs.statSync(w.socket).mode & 0o777, 0o660, 'socket mode 0660')
  const list = await api('GET', '/networks')
  t.equal(list.status, 200)
  t.same(list.json.map((n: { Name: string }) => n.Name), ['bridge', 'host', 'none'], 'bridge, and the predefined host and none')

  const created = await api('POST', '/v1.41/networks/create', {
    Name: 'apinet',
    CheckDuplicate: true,
    Driver: 'bridge',
    IPAM: { Driver: 'default', Config: [{ Subnet: '10.77.0.0/24', IPRange: '10.77.0.128/25' }] },
    Labels: { team: 'net' },
  })
  t.equal(created.status, 201, 'create (with a version prefix, as docker clients send) → 201')
  t.match(created.json, { Id: /^[0-9a-f]{64}$/, Warning: '' })
  const id = created.json.Id as string
  const byPrefix = await api('GET', `/networks/${id.slice(0, 5)}`)
  t.match(byPrefix.json, { Name: 'apinet', IPAM: { Config: [{ Subnet: '10.77.0.0/24', Gateway: '10.77.0.1', IPRange: '10.77.0.128/25' }] }, Labels: { team: 'net' } })

  t.equal((await api('POST', '/containers/create?name=api1', { HostConfig: { NetworkMode: 'apinet' } })).status, 201)
  t.equal((await api('POST', '/containers/create?name=api2', {})).status, 201, 'no body fields → default network')
  const api1 = await api('GET', '/containers/api1/json')
  t.equal(api1.json.NetworkSettings.Networks.apinet.IPAddress, '10.77.0.128', 'the first address of the IP range')

  t.equal((await api('POST', '/networks/apinet/connect', { Container: 'api2', EndpointConfig: { IPAMConfig: { IPv4Address: '10.77.0.200' } } })).status, 200)
  const members = (await api('GET', '/networks/apinet')).json.Containers
  t.same(Object.values(members).map((m: any) => m.IPv4Address).sort(), ['10.77.0.128/24', '10.77.0.200/24'])

  const busy = await api('DELETE', `/networks/${id}`)
  t.equal(busy.status, 403, 'a network with endpoints cannot be removed (403 like Docker)')
  t.match(busy.json.message, /has active endpoints/)
  t.equal((await api('POST', '/networks/apinet/disconnect', { Container: 'api2' })).status, 200)
  t.equal((await api('DELETE', '/containers/api1')).status, 204)
  t.equal((await api('POST', '/networks/create', { Name: 'spare' })).status, 201)
  const pruned = await api('POST', '/networks/prune')
  t.same(pruned.json.NetworksDeleted.sort(), ['apinet', 'spare'], 'prune removes unused networks, never bridge')
  t.same((await api('GET', '/networks')).json.map((n: { Name: string }) => n.Name), ['bridge', 'host', 'none'])
})

t.test('errors: status codes and messages', async t => {
  const w = await world(t)
  const api = (method: string, path: string, body?: string) => call(w.socket, method, path, body)
  const cases: [string, string, string | undefined, number, RegExp][] = [
    ['POST', '/networks/create', '{not json', 400, /invalid JSON body/],
    ['POST', '/networks/create', '{"Name": 5}', 400, /invalid network create request: invalid type for "Name": expected string, received number/],
    ['POST', '/networks/create', '{"Name":"bridge"}', 409, /network with name bridge already exists/],
    ['POST', '/networks/create', `{"Name":"big","Labels":{"x":"${'a'.repeat(1 << 20)}"}}`, 413, /request body larger than 1048576 bytes/],
    ['GET', '/networks/nosuch', undefined, 404, /network nosuch not found/],
    ['DELETE', '/networks/bridge', undefined, 403, /pre-defined network/],
    ['POST', '/networks/bridge/connect', '{}', 400, /invalid connect request/],
    ['GET', '/containers/nosuch/json', undefined, 404, /container nosuch not found/],
    ['GET', '/nosuch', undefined, 404, /page not found/],
    ['PUT', '/networks', undefined, 405, /page not found/],
  ]
  for (const [method, path, body, status, message] of cases) {
    const r = await api(method, path, body)
    t.equal(r.status, status, `${method} ${path} → ${status}`)
    t.match(r.json?.message, message)
  }
  t.same((await api('GET', '/networks')).json.map((n: { Name: string }) => n.Name), ['bridge', 'host', 'none'], 'nothing was created')
})
