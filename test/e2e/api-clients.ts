// Slow, idle, half-closed and garbage-speaking clients: each gets a 4xx or
// a closed connection after the server's timeouts, none reaches a service
// or an unhandled error, and the server keeps answering everyone else
// meanwhile. The real API server over fake services (no root).
import http from 'node:http'
import t from 'tap'
import { startFakeApi } from '../helpers/fake-api.js'
import { httpText, raw } from '../helpers/raw-http.js'

const TIMEOUTS = { headersMs: 400, requestMs: 800, keepAliveMs: 300, checkIntervalMs: 50 }
const PING = httpText('GET', '/_ping')

/** GET /_ping with Node's client: the status, or the error. */
const ping = (socketPath: string) =>
  new Promise<number | string>(resolve => {
    const req = http.get({ socketPath, path: '/_ping', agent: false }, res => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', e => resolve(e.message))
  })

t.test('slow and idle clients are closed after the timeouts while others are served', async t => {
  const api = await startFakeApi({ timeouts: TIMEOUTS })
  t.teardown(() => api.close())
  const started = {
    silent: raw(api.socket, ''),
    slowloris: raw(api.socket, 'GET /_ping HTTP/1.1\r\nHost: berth\r\nX-Slow: ', { trickleMs: 50 }),
    slowBody: raw(api.socket, httpText('POST', '/networks/create', undefined, { 'Content-Type': 'application/json', 'Content-Length': '1000' }) + '{"Name":', { trickleMs: 50 }),
    idleKeepAlive: raw(api.socket, PING),
    halfClosedAfterRequest: raw(api.socket, PING, { halfClose: true }),
    halfClosedMidHeaders: raw(api.socket, 'GET /_ping HTTP/1.1\r\nHo', { halfClose: true }),
    halfClosedEmpty: raw(api.socket, '', { halfClose: true }),
  }
  // Meanwhile, well-behaved clients are served at once.
  const during: (number | string)[] = []
  for (let i = 0; i < 5; i++) {
    during.push(await ping(api.socket))
    await new Promise(r => setTimeout(r, 60))
  }
  t.strictSame(during, [200, 200, 200, 200, 200], 'others are served while the slow clients hang on')

  const r = Object.fromEntries(await Promise.all(Object.entries(started).map(async ([k, p]) => [k, await p] as const)))
  for (const [name, result] of Object.entries(r)) t.ok(result.closed, `${name}: closed by the server (${result.ms} ms)`)

  t.equal(r.silent?.status, 408, 'a connection that says nothing gets a 408 and is closed')
  t.ok((r.silent?.ms ?? 0) >= TIMEOUTS.headersMs - 50, 'after the headers timeout')
  t.equal(r.slowloris?.status, 408, 'headers that never end: 408')
  t.ok((r.slowloris?.ms ?? 0) >= TIMEOUTS.headersMs - 50, `after the headers timeout (${r.slowloris?.ms} ms)`)
  t.ok((r.slowloris?.written ?? 0) > 3, 'the client was still sending')
  t.equal(r.slowBody?.status, 408, 'a body that never ends: 408')
  t.same(r.slowBody?.json, { message: 'the request did not arrive in time' })
  t.ok((r.slowBody?.ms ?? 0) >= TIMEOUTS.requestMs - 50, `after the request timeout (${r.slowBody?.ms} ms)`)
  t.equal(r.idleKeepAlive?.status, 200, 'an idle keep-alive connection got its answer')
  // Node waits a second more than it advertises, so that a client reusing the connection just in time is not cut.
  t.ok((r.idleKeepAlive?.ms ?? 0) >= TIMEOUTS.keepAliveMs - 50, `and was closed after the keep-alive timeout (${r.idleKeepAlive?.ms} ms)`)
  t.equal(r.halfClosedAfterRequest?.status, 200, 'a client that half-closes after its request still gets the answer')
  t.ok((r.halfClosedAfterRequest?.ms ?? 9999) < TIMEOUTS.keepAliveMs + 900, 'and the connection is closed right after it, not kept alive')
  t.equal(r.halfClosedMidHeaders?.status, 400, 'half-closed in the middle of the headers: 400')
  t.equal(r.halfClosedEmpty?.status, undefined, 'half-closed before a byte: closed, nothing to answer')

  t.strictSame(api.events, [], 'nothing reached a service')
  t.strictSame(api.errors(), [], 'no error logged')
  t.equal(await ping(api.socket), 200, 'still serving')
})

t.test('garbage, oversized or alien requests: 4xx or closed, never a crash', async t => {
  const api = await startFakeApi({ timeouts: TIMEOUTS })
  t.teardown(() => api.close())
  const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))
  const cases: [string, string | Buffer, number | undefined, RegExp?][] = [
    ['random bytes', random, 400, /malformed HTTP request/],
    ['a TLS hello', Buffer.from('16030100a5010000a10303', 'hex'), 400],
    ['an HTTP/0.9 request line', 'GET /_ping\r\n\r\n', 505, /HTTP\/0\.9 is not supported: use HTTP\/1\.1/],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
    ['HTTP/3.0', 'GET /_ping HTTP/3.0\r\nHost: berth\r\n\r\n', 400],
    ['an unknown method', 'BREW /networks HTTP/1.1\r\nHost: berth\r\n\r\n', 400, /Invalid method/],
    ['a method no route has', httpText('PATCH', '/networks'), 405, /page not found: PATCH \/networks/],
    ['a huge header', httpText('GET', '/_ping', undefined, { 'X-Big': 'a'.repeat(64 * 1024) }), 431, /request headers too large/],
    ['too many headers', `GET /_ping HTTP/1.1\r\n${'X-A: b\r\n'.repeat(5000)}\r\n`, 431],
    ['a NUL in the path', 'GET /_p\0ing HTTP/1.1\r\nHost: berth\r\n\r\n', 400],
    ['a space in the header name', 'GET /_ping HTTP/1.1\r\nHo st: berth\r\n\r\n', 400],
    ['bare LF line endings and junk', 'GET /_ping HTTP/1.1\nHost\n\n', 400],
    ['a path escaping the API', httpText('GET', '/containers/../../../etc/passwd'), 400, /invalid path "\/containers\/\.\.\/\.\.\/\.\.\/etc\/passwd": "\." and "\.\." segments are not allowed/],
    ['an encoded dot segment', httpText('GET', '/networks/%2e%2e/_ping'), 400, /segments are not allowed/],
    ['an encoded traversal', httpText('GET', '/networks/..%2f..%2fetc'), 404, /network \.\.\/\.\.\/etc not found/],
    ['broken percent-encoding', httpText('GET', '/networks/%E0%A4%A'), 400, /invalid percent-encoding in path segment/],
    ['an absolute-form target elsewhere', httpText('GET', 'http://evil.example/nothing'), 404],
    ['an unparsable absolute-form target', httpText('GET', 'http://[evil/'), 400, /invalid request target/],
    ['an asterisk target', httpText('OPTIONS', '*'), 404],
    ['an invalid chunk size', 'POST /networks/create HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['an upgrade to elsewhere', httpText('GET', '/networks', undefined, { Connection: 'Upgrade', Upgrade: 'websocket' }), 404, /page not found/],
  ]
  for (const [what, bytes, status, message] of cases) {
    const r = await raw(api.socket, bytes, { timeoutMs: 3000 })
    if (status === undefined) t.ok(r.status === undefined || (r.status >= 400 && r.status < 500), `${what}: 4xx or closed (${r.status})`)
    else t.equal(r.status, status, `${what}: ${status}`)
    if (message) t.match(r.json?.message, message, `${what}: message`)
    t.ok(r.closed || r.status !== undefined, `${what}: answered or closed`)
  }
  t.strictSame(api.events, [], 'nothing reached a service')
  t.strictSame(api.errors(), [], 'no error logged')
  t.equal(await ping(api.socket), 200, 'still serving')
})

t.test('a client that leaves mid-request: the operation still completes, nothing breaks', async t => {
  const api = await startFakeApi({ timeouts: TIMEOUTS, createMs: 300, waitMs: 300 })
  t.teardown(() => api.close())
  const left = await raw(api.socket, httpText('POST', '/networks/create', '{"Name":"gone"}'), { destroyAfterMs: 50 })
  t.equal(left.status, undefined, 'the client left before the answer')
  const reset = await raw(api.socket, httpText('POST', '/containers/x/wait', '', {}), { destroyAfterMs: 50 })
  t.equal(reset.status, undefined)
  // A request whose body never completes is not acted on, even by a route that reads no body.
  const halfway = await raw(api.socket, httpText('DELETE', '/containers/half', undefined, { 'Content-Length': '10' }) + '{', { destroyAfterMs: 100 })
  t.equal(halfway.status, undefined)
  const timedOut = await raw(api.socket, httpText('DELETE', '/containers/slow', undefined, { 'Content-Length': '10' }) + '{', { trickleMs: 400 })
  t.equal(timedOut.status, 408)
  await new Promise(r => setTimeout(r, 500))
  t.strictSame([...api.events].sort(), ['create:done:gone', 'create:start:gone', 'wait'], 'the create ran to its end, not cut halfway; the incomplete removes did nothing')
  t.strictSame(api.errors(), [], 'no error logged for answering nobody')
  t.equal(await ping(api.socket), 200, 'still serving')
})
