/** Table names in one place. Qualified with the configured database by `table()`. */
export const TABLES = {
  events: 'events',
  rejectedEvents: 'rejected_events',
  migrations: 'schema_migrations',
} as const

export function table(database: string, name: (typeof TABLES)[keyof typeof TABLES]): string {
  return `${database}.${name}`
}
