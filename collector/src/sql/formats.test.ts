import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { capBytes, wrapRows } from './formats.js'

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  let out = ''
  for await (const c of chunks) out += Buffer.from(c).toString('utf8')
  return out
}
async function* from(parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Buffer.from(p)
}

describe('wrapRows', () => {
  it('gives {"rows":[…]} whatever the chunking of the JSONEachRow lines', async () => {
    const rows = fc.array(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))), { maxLength: 20 })
    await fc.assert(
      fc.asyncProperty(rows, fc.array(fc.nat(), { maxLength: 10 }), async (values, cuts) => {
        const text = values.map((v) => `${JSON.stringify(v)}\n`).join('')
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
        const parts = [0, ...at].map((start, i, all) => text.slice(start, all[i + 1] ?? text.length))
        expect(JSON.parse(await collect(wrapRows(from(parts))))).toEqual({ rows: values })
      }),
    )
  })

  it('yields nothing before the first rows arrive', async () => {
    async function* failing(): AsyncIterable<Uint8Array> {
      throw new Error('engine error')
    }
    const it = wrapRows(failing())[Symbol.asyncIterator]()
    await expect(it.next()).rejects.toThrow('engine error')
  })
})

describe('capBytes', () => {
  it('fails with ERR_QUERY_LIMIT past the limit', async () => {
    await expect(collect(capBytes(from(['abc', 'def']), 5))).rejects.toMatchObject({ code: 'ERR_QUERY_LIMIT' })
    expect(await collect(capBytes(from(['abc', 'de']), 5))).toBe('abcde')
  })
})
