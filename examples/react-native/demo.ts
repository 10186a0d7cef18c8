// Runs the React Native-style tracker in Node against a collector, with an in-memory
// AsyncStorage stand-in:
//   npm start                                   # the collector in dev mode
//   npx tsx examples/react-native/demo.ts
import { devToken, loadDevSetup } from '../../collector/src/dev-setup.js'
import { createAppTracker, type AsyncStorageLike } from './tally.js'

const memory = new Map<string, string>()
const storage: AsyncStorageLike = {
  getItem: async (k) => memory.get(k) ?? null,
  setItem: async (k, v) => void memory.set(k, v),
  removeItem: async (k) => void memory.delete(k),
}
let toBackground = () => {}

const tally = createAppTracker({
  endpoint: process.env.TALLY_COLLECTOR_URL ?? 'http://127.0.0.1:8787',
  getToken: async () => ({ token: await devToken(loadDevSetup('.tally'), 300), expiresAt: Date.now() + 300_000 }),
  storage,
  onBackground: (flush) => (toBackground = flush),
  appVersion: '1.4.0',
})

tally.screen('Home')
tally.track('opened_offer', { offer: 'spring' })
tally.identify('alice')
tally.screen('Checkout')
toBackground() // as AppState 'background' would
await tally.flush()
console.log('sent; queue left in storage:', memory.get('tally:v1:q') ?? 'none')
