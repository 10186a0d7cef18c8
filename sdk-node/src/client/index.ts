export { createTallyNode, type TallyNode, type TallyNodeStats, type CloseResult, type PageContext } from './client.js'
export { type EventContext } from './events.js'
export { type TallyOrder } from './order.js'
export { NODE_DEFAULTS, type TallyNodeOptions, type NodeDropReason, type FlushOnExitOptions, type ExitSignal } from './options.js'
