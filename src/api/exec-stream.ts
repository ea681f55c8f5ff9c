/**
 * The multiplexed stream of an exec session (Docker's attach framing): each
 * frame is an 8-byte header `[type, 0, 0, 0, length u32be]` + payload.
 * Types: 1 stdout, 2 stderr, and berth's 3 = exit code (i32be), last frame.
 * The client sends raw stdin bytes and half-closes for EOF.
 */
export const STDOUT = 1
export const STDERR = 2
export const EXIT = 3

/** One frame. */
export const frame = (type: number, payload: Buffer): Buffer => {
  const header = Buffer.alloc(8)
  header[0] = type
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

/** The exit-code frame. */
export const exitFrame = (code: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(code)
  return frame(EXIT, b)
}

/** Splits a byte stream into frames; keeps partial input between calls. */
export class FrameDecoder {
  #buf = Buffer.alloc(0)

  push(chunk: Buffer): { type: number; payload: Buffer }[] {
    this.#buf = Buffer.concat([this.#buf, chunk])
    const frames: { type: number; payload: Buffer }[] = []
    while (this.#buf.length >= 8) {
      const len = this.#buf.readUInt32BE(4)
      if (this.#buf.length < 8 + len) break
      frames.push({ type: this.#buf[0] ?? 0, payload: this.#buf.subarray(8, 8 + len) })
      this.#buf = this.#buf.subarray(8 + len)
    }
    return frames
  }
}
