import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DataFolderLockedError, LOCK_FILE, lockDataFolder } from './data-lock.js'

const folder = () => mkdtempSync(join(tmpdir(), 'tally-lock-'))
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL')
})

/** A live process that is not us, to stand for another collector. */
function otherProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
  children.push(child)
  return child
}

const exited = (child: ChildProcess) => new Promise((done) => child.once('exit', done))

describe('lockDataFolder', () => {
  it('takes the lock with our PID and removes it on release', () => {
    const dir = folder()
    const lock = lockDataFolder(dir)
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
    lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    lock.release() // twice is fine
  })

  it('refuses a folder held by a live process, naming its PID and the folder', () => {
    const dir = folder()
    const other = otherProcess()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid }))
    const err = (() => {
      try {
        lockDataFolder(dir)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(DataFolderLockedError)
    expect(err).toMatchObject({ code: 'ERR_DATA_LOCKED', pid: other.pid, message: `another collector (pid ${other.pid}) holds the data folder ${dir}` })
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: other.pid }) // left alone
  })

  it('takes over a lock whose process is gone (crash, kill -9)', async () => {
    const dir = folder()
    const other = otherProcess()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid }))
    process.kill(other.pid!, 'SIGKILL')
    await exited(other)
    const lock = lockDataFolder(dir)
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
    lock.release()
  })

  it('takes over a lock whose PID was reused by another process (its start time differs)', () => {
    const dir = folder()
    const other = otherProcess()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid, started: '1' }))
    lockDataFolder(dir).release()
  })

  it('takes over an unreadable lock file', () => {
    const dir = folder()
    writeFileSync(join(dir, LOCK_FILE), '\0\0\0')
    lockDataFolder(dir).release()
  })

  it('release leaves a lock that is no longer ours', () => {
    const dir = folder()
    const lock = lockDataFolder(dir)
    const other = otherProcess()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: other.pid }))
    lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true)
  })
})
