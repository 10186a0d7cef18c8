// Prints the cluster schema (ON CLUSTER, Replicated*, Distributed), generated from the
// numbered migrations, for an operator to review and apply with clickhouse-client:
//   node --import tsx collector/src/storage/cluster-schema-main.ts --cluster analytics [--database tally]
import { parseArgs } from 'node:util'
import { clusterStatements } from './cluster-schema.js'

const { values } = parseArgs({ options: { cluster: { type: 'string' }, database: { type: 'string', default: 'tally' } } })
if (!values.cluster) {
  console.error('usage: cluster-schema-main.ts --cluster NAME [--database tally]')
  process.exit(2)
}
for (const statement of clusterStatements(values.database!, { cluster: values.cluster })) console.log(`${statement};\n`)
