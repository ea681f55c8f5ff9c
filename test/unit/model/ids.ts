import tap from 'tap'
import { newId } from '../../../src/model/ids.js'

tap.test('newId: 64 lowercase hex characters, like Docker’s ids', async t => {
  for (let i = 0; i < 20; i++) t.match(newId(), /^[0-9a-f]{64}$/)
})

tap.test('newId: fresh every time', async t => {
  const ids = new Set(Array.from({ length: 1000 }, () => newId()))
  t.equal(ids.size, 1000)
  t.equal(new Set([...ids].map(id => id.slice(0, 12))).size, 1000, 'even the 12-hex short ids (bridge names) differ')
})
