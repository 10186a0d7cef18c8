import { readMigrations, type Migration } from './migrate.js'
import { TABLES, table } from './tables.js'

/**
 * The schema for a ClickHouse cluster, generated from the same numbered migrations as
 * the single-node schema (never a second copy to keep in step):
 * - every table becomes `<name>_local` with a Replicated* engine, plus a Distributed
 *   `<name>` over it, so readers and the writer keep using the plain names;
 * - materialized views read the shard's `events_local` and write the shard's
 *   `<rollup>_local`: each shard rolls up its own events, and reading a rollup through
 *   its Distributed table merges the shards' states (`sum`, `uniqMerge` stay exact);
 * - plain views and the database get `ON CLUSTER` as they are; `ALTER TABLE` runs
 *   `ON CLUSTER` on both the local and the Distributed table, except what only storage
 *   has (projections, codecs, MergeTree settings): that runs on the `_local` one only;
 * - `INSERT … SELECT` (a backfill) is kept as it is: run once, on one node, it reads
 *   and writes through the Distributed tables.
 * - `DROP TABLE|VIEW IF EXISTS` runs `ON CLUSTER`; a table's `_local` one is dropped too.
 * - it ends by recording every migration in `schema_migrations`, replicated to every node.
 * Events are sharded by visitor, so one visitor's session stays on one shard.
 */
export interface ClusterOptions {
  cluster: string
  /** ZooKeeper/Keeper path of the replicated tables; `{shard}`, `{replica}` come from the servers' macros. */
  zooPath?: string
}

const TABLE = /^CREATE TABLE IF NOT EXISTS (\S+)\.(\w+)\s*\n/
const ENGINE = /\bENGINE = (\w*MergeTree)\b(\((?:[^()]|\([^()]*\))*\))?/
const MATERIALIZED_VIEW = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\S+)\.(\w+) TO (\S+)\.(\w+) AS/
const VIEW = /^CREATE VIEW IF NOT EXISTS (\S+)\.(\w+) AS/
const ALTER = /^ALTER TABLE (\S+)\.(\w+) /
// A Distributed table has no parts: projections, deleted-row masks, table settings and a
// column's codec are the shards'. A codec is changed in a statement of its own (`MODIFY
// COLUMN c SameType CODEC(…)`): a type change must not carry one, or the Distributed table
// would keep the old type.
const STORAGE_ONLY_ALTER = /^ALTER TABLE \S+ (?:(?:ADD|DROP|MATERIALIZE|CLEAR) PROJECTION |APPLY DELETED MASK|MODIFY SETTING |MODIFY COLUMN \w+ [^;]* CODEC\()/
const INSERT_SELECT = /^INSERT INTO \S+[\s(][\s\S]*\bSELECT\b/
const DROP = /^DROP (TABLE|VIEW) IF EXISTS (\S+)\.(\w+)$/

/** Sharding keys of the Distributed tables that are written to; the rest only read. */
// An order's ledger rows, and so its state, stay on one shard.
const SHARDING_KEY: Record<string, string> = { events: 'cityHash64(visitor_id)', rejected_events: 'rand()', order_ledger: 'cityHash64(site_id, order_id)' }

export function clusterStatements(database: string, options: ClusterOptions, migrations: Migration[] = readMigrations(database)): string[] {
  const on = `ON CLUSTER ${quoteCluster(options.cluster)}`
  const zooPath = options.zooPath ?? '/clickhouse/tables/{shard}/{database}/{table}'
  const tables = new Set<string>()
  const out = [`CREATE DATABASE IF NOT EXISTS ${database} ${on} ENGINE = Atomic`]
  for (const statement of migrations.flatMap((m) => m.statements)) {
    const table = TABLE.exec(statement)
    if (table) {
      const [, db, name] = table
      tables.add(name!)
      const local = statement
        .replace(TABLE, `CREATE TABLE IF NOT EXISTS ${db}.${name}_local ${on}\n`)
        .replace(ENGINE, (_, engine: string, args?: string) => `ENGINE = Replicated${engine}('${zooPath}', '{replica}'${args ? `, ${args.slice(1, -1)}` : ''})`)
        // replicated tables deduplicate by default: drop the setting (and SETTINGS if it was the only one)
        .replace(/(,\s*)?non_replicated_deduplication_window = \d+/, '')
        .replace(/\n?SETTINGS\s*$/, '')
      out.push(local)
      out.push(`CREATE TABLE IF NOT EXISTS ${db}.${name} ${on} AS ${db}.${name}_local ENGINE = Distributed(${quoteCluster(options.cluster)}, ${db}, ${name}_local, ${SHARDING_KEY[name!] ?? 'rand()'})`)
      continue
    }
    const mv = MATERIALIZED_VIEW.exec(statement)
    if (mv) {
      const [, db, name, targetDb, target] = mv
      const body = statement.replace(MATERIALIZED_VIEW, '').replace(/\bFROM (\S+)\.(\w+)/g, (whole, fromDb: string, from: string) => (tables.has(from) ? `FROM ${fromDb}.${from}_local` : whole))
      out.push(`CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${name} ${on} TO ${targetDb}.${target}_local AS${body}`)
      continue
    }
    const view = VIEW.exec(statement)
    if (view) {
      out.push(statement.replace(VIEW, `CREATE VIEW IF NOT EXISTS ${view[1]}.${view[2]} ${on} AS`))
      continue
    }
    const alter = ALTER.exec(statement)
    if (alter) {
      const [, db, name] = alter
      const targets = STORAGE_ONLY_ALTER.test(statement) ? [`${name}_local`] : [`${name}_local`, name]
      for (const target of targets) out.push(statement.replace(ALTER, `ALTER TABLE ${db}.${target} ${on} `))
      continue
    }
    const drop = DROP.exec(statement)
    if (drop) {
      const [, kind, db, name] = drop
      // a table is its Distributed table and the shards' `_local` one; a view is itself
      const targets = kind === 'TABLE' ? [name, `${name}_local`] : [name]
      for (const target of targets) out.push(`DROP ${kind} IF EXISTS ${db}.${target} ${on} SYNC`)
      tables.delete(name!)
      continue
    }
    if (INSERT_SELECT.test(statement)) {
      out.push(statement)
      continue
    }
    throw new Error(`no cluster form for this statement; teach cluster-schema.ts: ${statement.slice(0, 80)}`)
  }
  // Recorded as applied, on every node (one replication path for the whole cluster), so a
  // collector's migrator pointed at the cluster runs none of them again: re-run there, a
  // backfill would count twice and a dropped table would come back as a local one.
  const log = table(database, TABLES.migrations)
  out.push(`CREATE TABLE IF NOT EXISTS ${log} ${on} (name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{database}/${TABLES.migrations}', '{shard}-{replica}') ORDER BY name`)
  if (migrations.length > 0) {
    out.push(`INSERT INTO ${log} (name, checksum) VALUES ${migrations.map((m) => `('${m.name}', '${m.checksum}')`).join(', ')}`)
  }
  return out
}

function quoteCluster(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`cluster name "${name}" is not a plain identifier`)
  return name
}
