import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ClickHouseClient } from '@clickhouse/client'
import { TABLES, table } from './tables.js'

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations')

export interface Migration {
  name: string
  checksum: string
  statements: string[]
}

export class MigrationError extends Error {
  readonly code = 'ERR_MIGRATION'
}

/** Reads `NNN_name.sql` files in order; `{db}` stands for the configured database. */
export function readMigrations(database: string, dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8')
      // The checksum covers the statements, not the comments: notes can be improved later.
      const checksum = createHash('sha256').update(splitStatements(text).join(';\n')).digest('hex').slice(0, 16)
      return { name, checksum, statements: splitStatements(text.replaceAll('{db}', database)) }
    })
}

/** Splits on `;` at the end of a line, after dropping `--` comment lines. */
export function splitStatements(sql: string): string[] {
  const body = sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/**
 * Applies what has not run yet, in order, and records each in `schema_migrations`.
 * Statements are idempotent (`IF NOT EXISTS`), so a migration cut short re-runs safely.
 * `dir` is for tests that stop at an older schema.
 */
export async function migrate(client: ClickHouseClient, database: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database} ENGINE = Atomic` })
  const log = table(database, TABLES.migrations)
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${log} (name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = MergeTree ORDER BY name`,
  })
  const done = await client.query({ query: `SELECT name, checksum FROM ${log}`, format: 'JSONEachRow' })
  const applied = new Map((await done.json<{ name: string; checksum: string }>()).map((r) => [r.name, r.checksum]))
  const ran: string[] = []
  for (const m of readMigrations(database, dir)) {
    const previous = applied.get(m.name)
    if (previous !== undefined) {
      if (previous !== m.checksum) throw new MigrationError(`migration ${m.name} changed after it was applied; add a new migration instead`)
      continue
    }
    for (const statement of m.statements) await client.command({ query: statement })
    await client.insert({ table: log, values: [{ name: m.name, checksum: m.checksum }], format: 'JSONEachRow' })
    ran.push(m.name)
  }
  return ran
}
