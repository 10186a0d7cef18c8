import { existsSync, readFileSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { syncDirectory } from './sync-directory.js'

/**
 * One JSON value in a file that a crash leaves either whole or absent: written to a
 * temporary file, fsynced, renamed into place, and the folder fsynced. The writer's and
 * the order applier's journals (the one block in flight of each) are kept this way.
 */
export class DurableJsonFile<T> {
  private readonly dir: string

  constructor(private readonly path: string) {
    this.dir = dirname(path)
  }

  /** The value, or undefined when there is none (or a torn temporary never renamed). */
  read(): T | undefined {
    if (!existsSync(this.path)) return undefined
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as T
    } catch {
      return undefined // cannot happen after a rename; a hand-edited file reads as none
    }
  }

  async write(value: T): Promise<void> {
    const tmp = `${this.path}.tmp`
    const file = await open(tmp, 'w')
    try {
      await file.writeFile(JSON.stringify(value))
      await file.datasync()
    } finally {
      await file.close()
    }
    await rename(tmp, this.path)
    await syncDirectory(this.dir)
  }

  async clear(): Promise<void> {
    await unlink(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    })
  }
}
