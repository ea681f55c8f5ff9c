import tap from 'tap'
import { EXIT, FrameDecoder, STDERR, STDOUT, exitFrame, frame } from '../../../src/api/exec-stream.js'

const text = (frames: { type: number; payload: Buffer }[]) => frames.map(f => [f.type, f.payload.toString()])

tap.test('frame layout: [type, 0, 0, 0, length u32be] + payload', async t => {
  t.strictSame([...frame(STDOUT, Buffer.from('hi'))], [1, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69])
  t.strictSame([...frame(STDERR, Buffer.alloc(0))], [2, 0, 0, 0, 0, 0, 0, 0])
  t.strictSame([...exitFrame(137)], [3, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 137])
  t.strictSame([...exitFrame(-1)].slice(8), [255, 255, 255, 255], 'i32be')
  t.equal(frame(STDOUT, Buffer.alloc(70000)).readUInt32BE(4), 70000)
})

tap.test('several frames in one chunk', async t => {
  const d = new FrameDecoder()
  const chunk = Buffer.concat([frame(STDOUT, Buffer.from('out')), frame(STDERR, Buffer.from('err')), exitFrame(0)])
  const frames = d.push(chunk)
  t.strictSame(text(frames.slice(0, 2)), [
    [STDOUT, 'out'],
    [STDERR, 'err'],
  ])
  t.equal(frames[2]?.type, EXIT)
  t.equal(frames[2]?.payload.readInt32BE(0), 0)
  t.equal(frames.length, 3)
})

tap.test('frames split across chunks, at every byte boundary', async t => {
  const stream = Buffer.concat([
    frame(STDOUT, Buffer.from('hello ')),
    frame(STDOUT, Buffer.from('world')),
    frame(STDERR, Buffer.alloc(0)),
    exitFrame(3),
  ])
  for (let cut = 0; cut <= stream.length; cut++) {
    const d = new FrameDecoder()
    const frames = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))]
    t.strictSame(
      text(frames),
      [
        [1, 'hello '],
        [1, 'world'],
        [2, ''],
        [3, '\0\0\0\x03'],
      ],
      `cut at ${cut}`,
    )
  }
})

tap.test('byte by byte', async t => {
  const stream = Buffer.concat([frame(STDOUT, Buffer.from('abc')), exitFrame(1)])
  const d = new FrameDecoder()
  const seen: number[] = []
  const frames = []
  for (let i = 0; i < stream.length; i++) {
    const got = d.push(stream.subarray(i, i + 1))
    if (got.length > 0) seen.push(i)
    frames.push(...got)
  }
  t.strictSame(seen, [10, 22], 'each frame is emitted as soon as its last byte arrives')
  t.strictSame(text(frames), [
    [1, 'abc'],
    [3, '\0\0\0\x01'],
  ])
})

tap.test('an incomplete frame is kept, nothing is emitted', async t => {
  const d = new FrameDecoder()
  t.strictSame(d.push(Buffer.from([1, 0, 0, 0])), [])
  t.strictSame(d.push(Buffer.from([0, 0, 0, 5, 0x61])), [])
  t.strictSame(text(d.push(Buffer.from('bcde'))), [[1, 'abcde']])
  t.strictSame(d.push(Buffer.alloc(0)), [])
})
