import type { TallyOrder } from '@tally/sdk-node'

/**
 * A shared power-bank business in miniature: cabinets across provinces lend power banks
 * (an order opens), get them back (the order completes, billed per started hour), and
 * the back office corrects prices, refunds (partly or fully), cancels and deletes. Each
 * change sends the order's full state with the next version, as `tally.order()` wants.
 * The site's visitors browse a few pages. Pure apart from what it is given: the test
 * drives it with a seeded random and its own clock.
 */
export interface SimulatorDeps {
  /** Where orders and page views go (a TallyNode, or anything with these two calls). */
  tally: { order(o: TallyOrder): string; page(url: string, context: { anonymousId: string; referrer?: string }): string }
  /** A number in [0, 1). Default Math.random. */
  random?: () => number
  /** ms since the epoch. Default Date.now. */
  now?: () => number
  /** The demo site's address, for page views. */
  siteUrl?: string
}

export const PROVINCES = ['Zhejiang', 'Guangdong', 'Jiangsu', 'Sichuan', 'Hubei', 'Shanghai', 'Beijing', 'Fujian'] as const
/** Price per hour (CNY, in fen) by cabinet, fixed per cabinet so a correction is visible. */
const CABINETS = PROVINCES.flatMap((province, p) => Array.from({ length: 4 }, (_, i) => ({ province, cabinet: `cab-${String(p * 4 + i + 1).padStart(4, '0')}`, fen: 200 + ((p * 4 + i) % 5) * 50 })))
const PAGES = ['/', '/map', '/pricing', '/cabinets', '/rent', '/rent/confirm', '/help']
const HOUR = 3_600_000
/** Orders kept in memory; past this, the oldest that will not change again are forgotten. */
const MAX_KEPT = 2_000

/** What the simulator did, by kind. */
export type Action = 'open' | 'return' | 'price' | 'partial_refund' | 'full_refund' | 'cancel' | 'delete' | 'pageview'

interface Live {
  order: TallyOrder
  fen: number
}

export interface Simulator {
  /** One action, picked at random among those possible now. */
  step(): Action
  /** The last state sent for every order kept (all of them, up to 2,000; deleted ones included). */
  sent(): TallyOrder[]
  counts(): Record<Action, number>
}

export function createPowerBankSimulator(deps: SimulatorDeps): Simulator {
  const random = deps.random ?? Math.random
  const now = deps.now ?? Date.now
  const siteUrl = deps.siteUrl ?? 'https://power-bank.example'
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const live = new Map<string, Live>()
  const counts = Object.fromEntries((['open', 'return', 'price', 'partial_refund', 'full_refund', 'cancel', 'delete', 'pageview'] as Action[]).map((a) => [a, 0])) as Record<Action, number>
  let serial = 0

  const send = (l: Live, change: Partial<TallyOrder>) => {
    l.order = { ...l.order, ...change, version: l.order.version + 1 }
    deps.tally.order(l.order)
  }
  const withStatus = (...statuses: TallyOrder['status'][]) => [...live.values()].filter((l) => statuses.includes(l.order.status))
  /** Billing per started hour, in fen: the sender's rule, so it sends `amount`. */
  const billed = (l: Live, endedAt: number) => Math.max(1, Math.ceil((endedAt - Number(l.order.startedAt)) / HOUR)) * l.fen
  const yuan = (fen: number) => (fen / 100).toFixed(2)
  const forgetOldest = () => {
    for (const [id, l] of live) {
      if (live.size <= MAX_KEPT * 0.9) return
      if (l.order.status !== 'open' && l.order.status !== 'completed') live.delete(id)
    }
  }

  const actions: { kind: Action; weight: number; can: () => boolean; run: () => void }[] = [
    {
      kind: 'open',
      weight: 6,
      can: () => true,
      run: () => {
        const c = pick(CABINETS)
        const id = `pb-${now().toString(36)}-${(serial++).toString(36)}`
        // Lent some minutes ago, so returns have durations of up to a few hours.
        const l: Live = { fen: c.fen, order: { id, version: 0, status: 'open', province: c.province, cabinet: c.cabinet, startedAt: now() - Math.floor(random() * 3 * HOUR), pricePerHour: yuan(c.fen), currency: 'CNY' } }
        live.set(id, l)
        send(l, {})
        if (live.size > MAX_KEPT) forgetOldest()
      },
    },
    {
      kind: 'return',
      weight: 5,
      can: () => withStatus('open').length > 0,
      run: () => {
        const l = pick(withStatus('open'))
        const endedAt = now()
        send(l, { status: 'completed', endedAt, amount: yuan(billed(l, endedAt)) })
      },
    },
    {
      kind: 'price',
      weight: 1,
      can: () => withStatus('completed').length > 0,
      run: () => {
        const l = pick(withStatus('completed'))
        l.fen = Math.max(50, l.fen - 50) // a discount applied after the fact
        const amount = billed(l, Number(l.order.endedAt))
        const refunded = l.order.refunded === undefined ? undefined : yuan(Math.min(amount, Math.round(Number(l.order.refunded) * 100)))
        send(l, { pricePerHour: yuan(l.fen), amount: yuan(amount), refunded })
      },
    },
    {
      kind: 'partial_refund',
      weight: 1,
      can: () => withStatus('completed').some((l) => !l.order.refunded),
      run: () => {
        const l = pick(withStatus('completed').filter((o) => !o.order.refunded))
        const amountFen = Math.round(Number(l.order.amount) * 100)
        send(l, { refunded: yuan(Math.max(1, Math.floor(amountFen * (0.1 + random() * 0.4)))) })
      },
    },
    { kind: 'full_refund', weight: 1, can: () => withStatus('completed').length > 0, run: () => send(pick(withStatus('completed')), { status: 'refunded', refunded: undefined }) },
    { kind: 'cancel', weight: 1, can: () => withStatus('open').length > 0, run: () => send(pick(withStatus('open')), { status: 'cancelled' }) },
    {
      kind: 'delete',
      weight: 0.5,
      can: () => withStatus('completed', 'refunded', 'cancelled').length > 0,
      run: () => send(pick(withStatus('completed', 'refunded', 'cancelled')), { status: 'deleted' }),
    },
    {
      kind: 'pageview',
      weight: 8,
      can: () => true,
      run: () => void deps.tally.page(`${siteUrl}${pick(PAGES)}`, { anonymousId: `visitor-${Math.floor(random() * 200)}`, referrer: random() < 0.3 ? 'https://www.baidu.com/' : undefined }),
    },
  ]

  return {
    step() {
      const possible = actions.filter((a) => a.can())
      let x = random() * possible.reduce((sum, a) => sum + a.weight, 0)
      const action = possible.find((a) => (x -= a.weight) < 0) ?? possible[0]!
      action.run()
      counts[action.kind]++
      return action.kind
    },
    sent: () => [...live.values()].map((l) => l.order),
    counts: () => ({ ...counts }),
  }
}
