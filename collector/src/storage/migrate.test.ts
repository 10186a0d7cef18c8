import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readMigrations, splitStatements } from './migrate.js'

describe('migrations', () => {
  it('splits statements at line-ending semicolons and drops comment lines', () => {
    expect(splitStatements("-- why\nCREATE TABLE a (x String DEFAULT ';');\n\n-- next\nCREATE VIEW b AS SELECT 1;\n")).toEqual([
      "CREATE TABLE a (x String DEFAULT ';')",
      'CREATE VIEW b AS SELECT 1',
    ])
  })

  it('reads numbered files in order, with {db} replaced, and checksums ignore comments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-migrations-'))
    writeFileSync(join(dir, '002_b.sql'), 'CREATE TABLE {db}.b (x UInt8) ENGINE = Memory;\n')
    writeFileSync(join(dir, '001_a.sql'), '-- a note\nCREATE TABLE {db}.a (x UInt8) ENGINE = Memory;\n')
    writeFileSync(join(dir, 'notes.txt'), 'not a migration')
    const first = readMigrations('analytics', dir)
    expect(first.map((m) => m.name)).toEqual(['001_a.sql', '002_b.sql'])
    expect(first[0]!.statements).toEqual(['CREATE TABLE analytics.a (x UInt8) ENGINE = Memory'])
    writeFileSync(join(dir, '001_a.sql'), '-- a better note\nCREATE TABLE {db}.a (x UInt8) ENGINE = Memory;\n')
    expect(readMigrations('analytics', dir)[0]!.checksum).toBe(first[0]!.checksum)
    writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE {db}.a (x UInt16) ENGINE = Memory;\n')
    expect(readMigrations('analytics', dir)[0]!.checksum).not.toBe(first[0]!.checksum)
  })
})
