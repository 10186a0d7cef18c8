export * from './token/index.js'
export * from './handler/index.js'
export { TallyError, type TallyErrorCode } from './errors.js'
