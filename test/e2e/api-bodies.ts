// Request bodies at the socket: a body over the limit is a 413 and the
// connection is closed without the rest being read (declared, chunked or
// lying about its length); bodies that are not JSON are 400s; nothing
// reaches a service. The real API server over fake services (no root).
import t from 'tap'
import { FAKE_EXEC_ID, startFakeApi } from '../helpers/fake-api.js'
import { httpText, raw } from '../helpers/raw-http.js'

const LIMIT = 4096
const TIMEOUTS = { headersMs: 400, requestMs: 800, keepAliveMs: 400, checkIntervalMs: 50 }

/** A network create body of exactly `size` bytes. */
const createBody = (name: string, size: number) => {
  const head = `{"Name":"${name}","Labels":{"x":"`
  return `${head}${'a'.repeat(size - head.length - 3)}"}}`
}
const chunked = (path: string, headers = '') => `POST ${path} HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n${headers}\r\n`
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`

t.test('a body over the limit: 413, closed, the rest never read', async t => {
  const api = await startFakeApi({ bodyLimit: LIMIT, timeouts: TIMEOUTS })
  t.teardown(() => api.close())

  const exact = await raw(api.socket, httpText('POST', '/networks/create', createBody('exact', LIMIT), { Connection: 'close' }))
  t.equal(exact.status, 201, 'a body of exactly the limit is accepted')

  const declared = await raw(api.socket, httpText('POST', '/networks/create', undefined, { 'Content-Type': 'application/json', 'Content-Length': String(10 * 2 ** 30) }))
  t.equal(declared.status, 413, 'a declared 10 GiB body is refused from its headers')
  t.same(declared.json, { message: `request body larger than ${LIMIT} bytes` }, "Docker's error shape")
  t.match(declared.response, /\r\nConnection: close\r\n/i)
  t.ok(declared.closed, 'and the connection is closed')

  const over = await raw(api.socket, httpText('POST', '/networks/create', createBody('over', LIMIT + 1)) + httpText('DELETE', '/containers/after'))
  t.equal(over.status, 413, 'one byte over')
  t.ok(over.closed)
  t.notMatch(over.response, /HTTP\/1\.1 413[^]*HTTP\/1\.1/, 'a request pipelined after it is not answered (nor acted on: see the events below)')

  // Chunked: no length up front; reading stops at the limit.
  const endless = await raw(api.socket, chunked('/networks/create') + chunk('{"Name":"endless","Labels":{"x":"'), { stream: Buffer.from(chunk('a'.repeat(65536))), timeoutMs: 5000 })
  t.equal(endless.status, 413, 'an endless chunked body is refused')
  t.ok(endless.closed, 'the server closed it (not the client giving up)')
  t.ok(endless.written < 8 << 20, `the server stopped reading (the client wrote ${endless.written} bytes, not without end)`)

  const smallChunks = await raw(api.socket, chunked('/networks/create', 'Connection: close\r\n') + chunk('{"Name":') + chunk('"chunks"}') + '0\r\n\r\n')
  t.equal(smallChunks.status, 201, 'a chunked body under the limit is read whole')

  t.strictSame(api.events, ['create:start:exact', 'create:done:exact', 'create:start:chunks', 'create:done:chunks'], 'no refused body reached the service')
  t.strictSame(api.errors(), [], 'no error logged')
})

t.test('a lying Content-Length', async t => {
  const api = await startFakeApi({ bodyLimit: LIMIT, timeouts: TIMEOUTS })
  t.teardown(() => api.close())

  // Longer than declared: the extra bytes are read as the next request, which is garbage.
  const longer = await raw(api.socket, httpText('POST', '/networks/create', '{"Name":"a"}', { 'Content-Length': '12' }) + '{"Name":"smuggled"}')
  t.equal(longer.status, 201, 'the declared body is the request, and its client gets its answer')
  t.match(longer.response, /^HTTP\/1\.1 201 Created\r\n[^]*Connection: close\r\n/, 'marked as the last one')
  t.notMatch(longer.response, /HTTP\/1\.1 201[^]*HTTP\/1\.1/, 'no second answer for the garbage')
  t.ok(longer.closed, 'and the connection is closed')
  const pipelinedGarbage = await raw(api.socket, httpText('GET', '/_ping') + '\x00\x01garbage\r\n\r\n')
  t.match(pipelinedGarbage.response, /^HTTP\/1\.1 200 OK\r\n/, 'same after a request without a body')
  t.ok(pipelinedGarbage.closed)

  // Shorter than declared: the server waits for the rest until the request timeout.
  const shorter = await raw(api.socket, httpText('POST', '/networks/create', '{"Name":"b"}', { 'Content-Length': '100' }))
  t.equal(shorter.status, 408, 'the missing bytes never come: 408')
  t.same(shorter.json, { message: 'the request did not arrive in time' })
  t.ok(shorter.closed)
  t.ok(shorter.ms >= TIMEOUTS.requestMs - 100, `after the request timeout (${shorter.ms} ms)`)

  const twoLengths = await raw(api.socket, httpText('POST', '/networks/create', '{"Name":"c"}', { 'Content-Length': '12', 'content-length': '5' }))
  t.equal(twoLengths.status, 400, 'two different Content-Lengths: 400')
  const both = await raw(api.socket, httpText('POST', '/networks/create', '{"Name":"d"}', { 'Transfer-Encoding': 'chunked' }))
  t.equal(both.status, 400, 'Content-Length and chunked together: 400')

  t.strictSame(api.events, ['create:start:a', 'create:done:a'], 'only the honest part reached the service')
  t.strictSame(api.errors(), [])
})

t.test('Expect: 100-continue — a too large body is refused before it is sent', async t => {
  const api = await startFakeApi({ bodyLimit: LIMIT, timeouts: TIMEOUTS })
  t.teardown(() => api.close())
  const big = await raw(api.socket, httpText('POST', '/networks/create', undefined, { 'Content-Type': 'application/json', 'Content-Length': String(LIMIT + 1), Expect: '100-continue' }))
  t.equal(big.status, 413)
  t.notMatch(big.response, /100 Continue/, 'no invitation to send it')
  const small = await raw(api.socket, httpText('POST', '/networks/create', undefined, { 'Content-Type': 'application/json', 'Content-Length': '12', Expect: '100-continue', Connection: 'close' }) + '{"Name":"e"}')
  t.match(small.response, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /, 'a small one is invited and created')
})

t.test('bodies that are not JSON, on every route that reads one: 400 naming the problem', async t => {
  const api = await startFakeApi({ bodyLimit: LIMIT, timeouts: TIMEOUTS })
  t.teardown(() => api.close())
  const routes = ['/networks/create', '/networks/x/connect', '/networks/x/disconnect', '/containers/create?name=c', '/containers/c/exec']
  const bodies: [string, Record<string, string>, RegExp][] = [
    ['{not json', {}, /^invalid JSON body: /],
    ['\u00ff\u00fe', {}, /^invalid JSON body: /],
    ['["a",' + '['.repeat(100) + ']'.repeat(100) + ']', {}, /nested deeper than 64 levels/],
    ['Name=n', { 'Content-Type': 'application/x-www-form-urlencoded' }, /^unsupported Content-Type "application\/x-www-form-urlencoded"/],
  ]
  for (const path of routes) {
    for (const [body, headers, message] of bodies) {
      const r = await raw(api.socket, httpText('POST', path, body, { ...headers, Connection: 'close' }))
      t.equal(r.status, 400, `${path} ${body.slice(0, 12)}`)
      t.match(r.json?.message, message)
    }
  }
  const bytes = Buffer.concat([Buffer.from(httpText('POST', '/networks/create', 'xx', { Connection: 'close' }).slice(0, -2)), Buffer.from([0xc3, 0x28])])
  t.match((await raw(api.socket, bytes)).json, { message: 'invalid JSON body: not UTF-8 text' })
  t.strictSame(api.events, [], 'nothing reached a service')
  t.strictSame(api.errors(), [])
})

t.test('the exec start body (read by berth itself after the upgrade)', async t => {
  const api = await startFakeApi({ bodyLimit: LIMIT, timeouts: TIMEOUTS })
  t.teardown(() => api.close())
  const start = (body?: string, headers: Record<string, string> = {}) =>
    httpText('POST', `/exec/${FAKE_EXEC_ID}/start`, body, { Connection: 'Upgrade', Upgrade: 'tcp', ...headers })
  const cases: [string, number, RegExp][] = [
    [start(undefined, { 'Content-Length': String(1 << 20) }), 413, /request body larger than 65536 bytes/],
    [start('{"Detach":'), 400, /^invalid JSON body/],
    [start('{"Stdin":true}'), 400, /unknown field "Stdin"/],
    [start('{"Detach":"no"}'), 400, /invalid type for "Detach": expected boolean/],
    [start('{}', { 'Content-Type': 'text/plain' }), 400, /unsupported Content-Type/],
    [start(undefined, { 'Transfer-Encoding': 'chunked' }) + '2\r\n{}\r\n0\r\n\r\n', 400, /chunked exec start body is not supported/],
    [start('{}').replace('/exec/', '/exec/ffff'), 404, /no such exec instance/],
    [start('{}').replace('POST', 'GET'), 404, /page not found/],
  ]
  for (const [request, status, message] of cases) {
    const r = await raw(api.socket, request)
    t.equal(r.status, status, message.source)
    t.match(r.json?.message, message)
    t.ok(r.closed, 'closed')
  }
  const slow = await raw(api.socket, start(undefined, { 'Content-Length': '20' }) + '{"Detach"', { trickleMs: 100 })
  t.equal(slow.status, 408, 'a body that never completes: 408')
  t.ok(slow.closed)
  t.strictSame(api.events, [], 'no exec was started')

  const ok = await raw(api.socket, start('{"Detach":false,"Tty":false}') + 'stdin after the body', { halfClose: true })
  t.match(ok.response, /^HTTP\/1\.1 101 UPGRADED\r\n/, 'a good start upgrades')
  t.match(ok.response, /stdin after the body/, 'and bytes after the body are the command stdin')
  t.strictSame(api.events, ['exec'])
  t.strictSame(api.errors(), [])
})
