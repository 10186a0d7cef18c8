/** Table names in one place. Qualified with the configured database by `table()`. */
export const TABLES = {
  events: 'events',
  rejectedEvents: 'rejected_events',
  /** (site_id, id) of every stored event, for the writer's idempotency check (006). */
  eventIds: 'event_ids',
  migrations: 'schema_migrations',
  /** The dashboard's share links: one site each, revocable; only the secret's SHA-256 (010). */
  dashboardShares: 'dashboard_shares',
} as const

export function table(database: string, name: (typeof TABLES)[keyof typeof TABLES]): string {
  return `${database}.${name}`
}
