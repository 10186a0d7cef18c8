import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { clusterStatements } from './cluster-schema.js'
import { readMigrations } from './migrate.js'

// No cluster can run here (Replicated* needs Keeper, Distributed needs remote servers),
// so this checks what can be checked: the real ClickHouse parser accepts every generated
// statement, and the shape is the one the design asks for.
const statements = clusterStatements('tally', { cluster: 'analytics' })
const client = createClient({ connection: createChdbConnection({ path: mkdtempSync(join(tmpdir(), 'tally-ast-')) }) } as Parameters<typeof createClient>[0])
afterAll(() => client.close())

describe('cluster schema', () => {
  it('is generated from the migrations: every single-node statement has its cluster form', () => {
    const single = readMigrations('tally').flatMap((m) => m.statements)
    const tables = single.filter((s) => s.startsWith('CREATE TABLE')).length
    const alters = single.filter((s) => s.startsWith('ALTER TABLE')).length
    // 015's statements are storage only (projections, a deleted-rows mask, a codec, a setting): the shards' tables
    const storageOnly = readMigrations('tally').find((m) => m.name === '015_events_projections.sql')!.statements.length
    const dropped = single.filter((s) => s.startsWith('DROP TABLE')).length
    const views = single.length - tables - alters - dropped
    expect(tables).toBeGreaterThan(5)
    expect(alters).toBeGreaterThan(0)
    // database + (local + Distributed) per table, per ALTER (local only for storage) and per dropped table
    // + each view, dropped view or backfill once + the migrations' log and its rows
    expect(statements).toHaveLength(1 + 2 * tables + 2 * alters - storageOnly + 2 * dropped + views + 2)
    expect(statements.filter((s) => s.includes('ADD PROJECTION IF NOT EXISTS events_by_path'))).toEqual([
      expect.stringMatching(/^ALTER TABLE tally\.events_local ON CLUSTER analytics ADD PROJECTION/),
    ])
    expect(statements.filter((s) => /^ALTER TABLE tally\.events ON CLUSTER/.test(s) && /PROJECTION|CODEC|SETTING|MASK/.test(s))).toEqual([])
    // a new column keeps reaching the Distributed table, with a codec or without
    const added = clusterStatements('tally', { cluster: 'analytics' }, [{ name: '999_x.sql', checksum: 'x', statements: ['ALTER TABLE tally.events ADD COLUMN IF NOT EXISTS x String CODEC(ZSTD(1))'] }])
    expect(added.filter((s) => s.startsWith('ALTER TABLE'))).toEqual([
      'ALTER TABLE tally.events_local ON CLUSTER analytics ADD COLUMN IF NOT EXISTS x String CODEC(ZSTD(1))',
      'ALTER TABLE tally.events ON CLUSTER analytics ADD COLUMN IF NOT EXISTS x String CODEC(ZSTD(1))',
    ])
    // recorded as applied, so a collector's migrator pointed at the cluster runs none again
    const names = readMigrations('tally').map((m) => `('${m.name}', '${m.checksum}')`)
    expect(statements.at(-1)).toBe(`INSERT INTO tally.schema_migrations (name, checksum) VALUES ${names.join(', ')}`)
    expect(statements.at(-2)).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{database}/schema_migrations', '{shard}-{replica}')")
    expect(statements).toContain('DROP TABLE IF EXISTS tally.breakdown_hourly_local ON CLUSTER analytics SYNC')
    expect(statements).toContain('DROP VIEW IF EXISTS tally.breakdown_hourly_mv ON CLUSTER analytics SYNC')
  })

  it('parses with the ClickHouse parser, statement by statement', async () => {
    for (const statement of statements) {
      await expect(client.query({ query: `EXPLAIN AST ${statement}`, format: 'TabSeparated' }).then((r) => r.text()), statement.slice(0, 60)).resolves.toMatch(/Create|Alter|Insert|Drop/)
    }
  })

  it('runs everything ON CLUSTER, replicates every table and puts a Distributed table in front', () => {
    // A backfill (INSERT … SELECT) runs once, through the Distributed tables.
    expect(statements.filter((s) => !s.startsWith('INSERT INTO ')).every((s) => s.includes('ON CLUSTER analytics'))).toBe(true)
    expect(statements).toContain('INSERT INTO tally.event_ids SELECT site_id, id, ts FROM tally.events')
    expect(statements).toContain("ALTER TABLE tally.rejected_events_local ON CLUSTER analytics ADD COLUMN IF NOT EXISTS message String DEFAULT ''")
    const locals = statements.filter((s) => /^CREATE TABLE IF NOT EXISTS tally\.\w+_local /.test(s))
    expect(locals.every((s) => /ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'(, [^\n]+)?\)\n/.test(s))).toBe(true)
    expect(locals.some((s) => s.includes('ReplicatedAggregatingMergeTree'))).toBe(true)
    expect(statements.join('\n')).not.toContain('non_replicated_deduplication_window')
    expect(statements).toContain('CREATE TABLE IF NOT EXISTS tally.events ON CLUSTER analytics AS tally.events_local ENGINE = Distributed(analytics, tally, events_local, cityHash64(visitor_id))')
  })

  it('has each shard roll up its own events into its own rollup tables', () => {
    const views = statements.filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'))
    expect(views.length).toBeGreaterThan(5)
    for (const view of views) {
      expect(view).toMatch(/ TO tally\.\w+_local AS/)
      // from the shard's events or ledger, or (a chained grain) another of its rollups
      const sources = [...view.matchAll(/FROM tally\.(\w+)/g)].map((m) => m[1]!)
      expect(sources.length).toBeGreaterThan(0)
      expect(sources.every((t) => t.endsWith('_local'))).toBe(true)
    }
    expect(views.some((v) => /FROM tally\.breakdown_by_hour_local\b/.test(v))).toBe(true)
  })

  it('adds a column on the shards and on the Distributed table alike', () => {
    expect(statements.filter((s) => s.startsWith('ALTER TABLE tally.events_local ON CLUSTER analytics ADD COLUMN IF NOT EXISTS bot'))).toHaveLength(1)
    expect(statements.filter((s) => s.startsWith('ALTER TABLE tally.events ON CLUSTER analytics ADD COLUMN IF NOT EXISTS bot'))).toHaveLength(1)
  })

  it('refuses a cluster name that is not a plain identifier', () => {
    expect(() => clusterStatements('tally', { cluster: "x'; DROP" })).toThrow(/plain identifier/)
  })
})
