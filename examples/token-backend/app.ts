import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { type TokenIssuer } from '@tally/sdk-node'
import { deny, tallyTokenRoute } from '@tally/sdk-node/hono'

/**
 * A backend that serves a page its Tally token. The "login" is fake (a cookie holding a
 * user name); in your app, `authorize` reads your real session.
 */
export function createApp(options: { issuer: TokenIssuer; site: string; collectorUrl?: string }): Hono {
  const { issuer, site } = options
  const app = new Hono()

  // If the page lives on another origin, let it call the token endpoint with its cookies:
  //   import { cors } from 'hono/cors'
  //   app.use('/tally-token', cors({ origin: 'https://shop.example', credentials: true }))
  // (and `fetch(tokenUrl, { credentials: 'include' })` on the page). Same origin: nothing to do.

  app.get(
    '/tally-token',
    tallyTokenRoute({
      issuer,
      authorize: (c) => {
        const user = getCookie(c, 'user')
        if (user === 'banned') return deny(403, 'tracking is disabled for this account')
        // Anonymous visitors get a token too (no subject); signed-in users are named in it.
        return { site, subject: user }
      },
    }),
  )

  app.post('/login', async (c) => {
    const form = await c.req.parseBody()
    const name = typeof form.user === 'string' ? form.user.trim() : ''
    if (!/^[\w.-]{1,64}$/.test(name)) return c.text('a user name is 1-64 of A-Z a-z 0-9 _ . -', 400)
    setCookie(c, 'user', name, { httpOnly: true, sameSite: 'Lax', path: '/' })
    return c.redirect('/')
  })

  app.post('/logout', (c) => {
    deleteCookie(c, 'user', { path: '/' })
    return c.redirect('/')
  })

  app.get('/', (c) => c.html(page(getCookie(c, 'user'), options.collectorUrl)))
  return app
}

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

function page(user: string | undefined, collectorUrl: string | undefined): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>Tally token backend</title>
<h1>Tally token backend</h1>
<p>${user ? `Signed in as <b>${escape(user)}</b>. <form method="post" action="/logout" style="display:inline"><button>Log out</button></form>` : 'Anonymous visitor.'}</p>
<form method="post" action="/login"><input name="user" placeholder="alice (or banned)"> <button>Log in</button></form>
<p><button id="get">GET /tally-token</button> <button id="send" ${collectorUrl ? '' : 'disabled'}>Send a page view to the collector</button></p>
<pre id="out"></pre>
<script type="module">
const out = document.getElementById('out')
const collector = ${JSON.stringify(collectorUrl ?? null)}
async function token() {
  const res = await fetch('/tally-token')
  const body = await res.json()
  out.textContent = res.status + ' ' + JSON.stringify(body, null, 2)
  return res.ok ? body.token : undefined
}
document.getElementById('get').onclick = token
document.getElementById('send').onclick = async () => {
  const t = await token()
  if (!t) return
  const event = { id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: Date.now(), url: location.href }
  const res = await fetch(collector + '/v1/batch', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ sent_at: Date.now(), token: t, events: [event] }) })
  out.textContent += '\\n\\ncollector: ' + res.status + ' ' + await res.text()
}
</script>
`
}
