export * from './batch.js'
export * from './claims.js'
export * from './limits.js'
export * from './errors.js'
