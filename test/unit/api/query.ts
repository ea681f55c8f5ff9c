// Query parameters are checked before a handler changes anything: an
// unreadable value, or one asking for what berth does not do, is a 400
// naming the parameter; Docker clients' defaults pass.
import tap from 'tap'
import { checkListQuery, checkLogsQuery, checkWaitCondition, flag, noFilters, onlyDefault, onlyFalse, queryBool, queryInt, queryTime } from '../../../src/api/query.js'

const q = (text: string) => new URLSearchParams(text)
const refused = (code: string, message: RegExp) => ({ name: 'BerthError', kind: 'InvalidParameter', code, message })

tap.test('booleans: Docker spellings, any case; anything else is refused', async t => {
  for (const v of ['1', 'true', 'True', 'yes', 'on', 't', 'y']) t.equal(queryBool(q(`force=${v}`), 'force'), true, v)
  for (const v of ['', '0', 'false', 'FALSE', 'no', 'off', 'none']) t.equal(queryBool(q(`force=${v}`), 'force'), false, JSON.stringify(v))
  t.equal(queryBool(q(''), 'force'), undefined, 'absent')
  t.equal(flag(q(''), 'force'), false, 'absent flag is false')
  for (const v of ['maybe', '2', 'tru', '%00']) {
    t.throws(() => flag(q(`force=${v}`), 'force'), refused('E_QUERY', /^invalid value ".*" for query parameter force: expected a boolean/), v)
  }
})

tap.test('integers and times: NaN, fractions, hex and negatives are refused', async t => {
  t.equal(queryInt(q('limit=-1'), 'limit', -1), -1)
  t.equal(queryInt(q('limit=12'), 'limit', -1), 12)
  t.equal(queryInt(q('limit='), 'limit', -1), undefined)
  for (const v of ['NaN', 'abc', '1.5', '0x10', '1e3', 'Infinity', '9'.repeat(20)]) {
    t.throws(() => queryInt(q(`limit=${v}`), 'limit', -1), refused('E_QUERY', /for query parameter limit: expected an integer$/), v)
  }
  t.throws(() => queryInt(q('limit=-2'), 'limit', -1), refused('E_QUERY', /expected an integer of at least -1/))
  t.equal(queryTime(q('since=1700000000.5'), 'since'), 1700000000.5)
  for (const v of ['-5', 'yesterday', 'NaN']) t.throws(() => queryTime(q(`since=${v}`), 'since'), refused('E_QUERY', /expected a Unix timestamp/), v)
})

tap.test('Docker parameters berth takes only at their default', async t => {
  t.doesNotThrow(() => onlyDefault(q('scope=local'), 'scope', ['', 'local']))
  t.throws(() => onlyDefault(q('scope=swarm'), 'scope', ['', 'local'], 'networks are local'), refused('E_QUERY_UNSUPPORTED', /^query parameter scope="swarm" is not supported by berth \(networks are local\)$/))
  t.doesNotThrow(() => onlyFalse(q('link=0'), 'link'))
  t.throws(() => onlyFalse(q('link=1'), 'link'), refused('E_QUERY_UNSUPPORTED', /link="1" is not supported/))
  t.throws(() => onlyFalse(q('link=maybe'), 'link'), refused('E_QUERY', /expected a boolean/))
})

tap.test('filters: a JSON object, and only an empty one', async t => {
  for (const text of ['', 'filters=', 'filters={}', 'filters={"name":[]}', 'filters={"label":{}}']) t.doesNotThrow(() => noFilters(q(text)), text)
  for (const text of ['filters={', 'filters=[]', 'filters=null', 'filters="x"', 'filters=5']) {
    t.throws(() => noFilters(q(text)), refused('E_QUERY', /^invalid filters .*: expected a JSON object$/), text)
  }
  t.throws(() => noFilters(q('filters={"name":["x"],"dangling":{"true":true}}')), refused('E_QUERY_UNSUPPORTED', /^filters \(name, dangling\) are not supported by berth$/))
})

tap.test('the list, logs and wait parameters', async t => {
  for (const text of ['', 'all=1&limit=-1&size=0&filters={}', 'limit=0&trunc_cmd=0']) t.doesNotThrow(() => checkListQuery(q(text)), text)
  t.throws(() => checkListQuery(q('limit=NaN')), refused('E_QUERY', /limit: expected an integer/))
  t.throws(() => checkListQuery(q('limit=-7')), refused('E_QUERY', /at least -1/))
  t.throws(() => checkListQuery(q('limit=3')), refused('E_QUERY_UNSUPPORTED', /limit="3"/))
  t.throws(() => checkListQuery(q('since=abc')), refused('E_QUERY_UNSUPPORTED', /since/))
  t.throws(() => checkListQuery(q('size=big')), refused('E_QUERY', /size: expected a boolean/))

  for (const text of ['', 'stdout=1&stderr=1&tail=all&follow=1', 'since=0&timestamps=0']) t.doesNotThrow(() => checkLogsQuery(q(text)), text)
  t.throws(() => checkLogsQuery(q('stdout=0&stderr=0')), refused('E_QUERY', /at least one of stdout and stderr/))
  t.throws(() => checkLogsQuery(q('stdout=1')), refused('E_QUERY_UNSUPPORTED', /one combined log/))
  t.throws(() => checkLogsQuery(q('tail=-3')), refused('E_QUERY', /tail: expected an integer of at least 0/))
  t.throws(() => checkLogsQuery(q('tail=ten')), refused('E_QUERY', /tail: expected an integer$/))
  t.throws(() => checkLogsQuery(q('tail=10')), refused('E_QUERY_UNSUPPORTED', /tail="10"/))
  t.throws(() => checkLogsQuery(q('until=soon')), refused('E_QUERY', /until: expected a Unix timestamp/))
  t.throws(() => checkLogsQuery(q('since=1700000000')), refused('E_QUERY_UNSUPPORTED', /since="1700000000"/))

  for (const text of ['', 'condition=not-running']) t.doesNotThrow(() => checkWaitCondition(q(text)), text)
  t.throws(() => checkWaitCondition(q('condition=whenever')), refused('E_QUERY', /invalid condition "whenever": one of not-running, next-exit, removed/))
  t.throws(() => checkWaitCondition(q('condition=removed')), refused('E_QUERY_UNSUPPORTED', /condition="removed"/))
})
