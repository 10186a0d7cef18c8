import { RequestError } from './errors.js'

/**
 * Reads a request body, refusing it as soon as it passes `maxBytes` (413), whether
 * or not the client declared a Content-Length.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  if (!request.body) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, size)
}

function tooLarge(maxBytes: number): RequestError {
  return new RequestError(413, 'ERR_BODY_TOO_LARGE', `the body is over ${maxBytes} bytes`)
}
