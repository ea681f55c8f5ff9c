// Request bodies become JSON or a 400 naming the problem; errors Node's
// parser raises become Docker-shaped 4xx answers.
import tap from 'tap'
import { describeClientError } from '../../../src/api/client-error.js'
import { MAX_DEPTH, parseJsonBody, parseTarget, stripVersion } from '../../../src/api/http-util.js'

const b = (text: string) => Buffer.from(text)
const refused = (code: string, message: RegExp) => ({ name: 'BerthError', kind: 'InvalidParameter', code, message })

tap.test('JSON bodies', async t => {
  t.strictSame(parseJsonBody(b('{"Name":"n"}'), 'application/json'), { Name: 'n' })
  t.strictSame(parseJsonBody(b(' {"a":1}\n'), 'application/json; charset=utf-8'), { a: 1 }, 'parameters and whitespace')
  t.strictSame(parseJsonBody(b('[1]'), 'application/vnd.docker+json'), [1], '+json')
  t.strictSame(parseJsonBody(b('{}'), undefined), {}, 'no Content-Type: taken as JSON')
  t.equal(parseJsonBody(Buffer.alloc(0), 'text/plain'), undefined, 'no body: the Content-Type does not matter')
  t.equal(parseJsonBody(b('  \n'), 'application/json'), undefined, 'only whitespace is no body')
})

tap.test('bodies that are not JSON', async t => {
  const cases: [Buffer, string | undefined, string, RegExp][] = [
    [b('{not json'), 'application/json', 'E_BAD_JSON', /^invalid JSON body: /],
    [b('{"a":1}{"b":2}'), 'application/json', 'E_BAD_JSON', /^invalid JSON body: /],
    [b("{'a':1}"), undefined, 'E_BAD_JSON', /^invalid JSON body: /],
    [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'application/json', 'E_BAD_JSON', /^invalid JSON body: not UTF-8 text$/],
    [b('Name=n'), 'application/x-www-form-urlencoded', 'E_BAD_CONTENT_TYPE', /^unsupported Content-Type "application\/x-www-form-urlencoded": the body must be application\/json$/],
    [b('{}'), 'text/plain', 'E_BAD_CONTENT_TYPE', /unsupported Content-Type "text\/plain"/],
    [b('{}'), 'application/jsonx', 'E_BAD_CONTENT_TYPE', /unsupported Content-Type/],
    [b('['.repeat(MAX_DEPTH + 2) + ']'.repeat(MAX_DEPTH + 2)), 'application/json', 'E_BAD_JSON', /nested deeper than 64 levels/],
    [b('{"a":' + '['.repeat(400_000) + ']'.repeat(400_000) + '}'), 'application/json', 'E_BAD_JSON', /nested deeper/],
  ]
  for (const [body, type, code, message] of cases) t.throws(() => parseJsonBody(body, type), refused(code, message), `${type}: ${body.subarray(0, 20).toString()}`)
  t.doesNotThrow(() => parseJsonBody(b('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))), 'as deep as allowed')
})

tap.test('the API version prefix', async t => {
  t.equal(stripVersion('/v1.41/networks'), '/networks')
  t.equal(stripVersion('/v1/networks'), '/networks')
  t.equal(stripVersion('/v1.41'), '/v1.41', 'only a prefix of a longer path')
  t.equal(stripVersion('/networks/v1.41/x'), '/networks/v1.41/x')
})

tap.test('request targets: dot segments are refused, not resolved', async t => {
  const { path, query } = parseTarget('/v1.44/containers/web/logs?follow=1&tail=all')
  t.equal(path, '/containers/web/logs')
  t.equal(query.get('tail'), 'all')
  t.equal(parseTarget('/networks/..%2fx').path, '/networks/..%2fx', 'an encoded slash stays inside its segment')
  t.equal(parseTarget('/networks/a..b').path, '/networks/a..b')
  for (const target of ['/containers/../../x', '/containers/..', '/./networks', '/networks/%2e%2E/x', '/networks/.%2e', '/a/%2E?x=1']) {
    t.throws(() => parseTarget(target), refused('E_BAD_PATH', /^invalid path ".*": "\." and "\.\." segments are not allowed$/), target)
  }
  t.throws(() => parseTarget('http://[x/'), refused('E_BAD_PATH', /^invalid request target "http:\/\/\[x\/"$/))
})

tap.test("Node's parser errors as answers", async t => {
  const e = (code: string, reason?: string) => Object.assign(new Error('Parse Error'), { code, reason })
  t.strictSame(describeClientError(e('HPE_HEADER_OVERFLOW')), { status: 431, message: 'request headers too large' })
  t.strictSame(describeClientError(e('ERR_HTTP_REQUEST_TIMEOUT')), { status: 408, message: 'the request did not arrive in time' })
  t.strictSame(describeClientError(e('HPE_INVALID_METHOD', 'Invalid method encountered')), { status: 400, message: 'malformed HTTP request: Invalid method encountered' })
  t.strictSame(describeClientError(e('HPE_CHUNK_EXTENSIONS_OVERFLOW')), { status: 413, message: 'chunk extensions too large' })
  t.equal(describeClientError(e('HPE_WHATEVER')).message, 'malformed HTTP request: Parse Error', 'no reason: the error message')
})
