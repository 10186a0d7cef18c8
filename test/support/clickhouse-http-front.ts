/**
 * A TEST STAND-IN FOR A CLICKHOUSE SERVER. Not a server Tally ships, supports or
 * recommends: it exists only so the collector's server mode (`CLICKHOUSE_URL`) can be
 * tested over real HTTP on machines where no ClickHouse server new enough for our
 * schema can be installed (Debian's clickhouse-server is 18.16; see DESIGN.md).
 *
 * What it is: the real ClickHouse engine (chDB, the same 26.x engine as the embedded
 * mode) behind a minimal node:http front that speaks the subset of ClickHouse's HTTP
 * interface that `@clickhouse/client` 1.23 uses:
 * - `GET /ping` → `Ok.\n`;
 * - `POST /?query=…` with the body appended to the query (inserts: `INSERT … FORMAT
 *   JSONEachRow` in the URL, rows in the body), or the whole statement in the body;
 *   `GET /?query=…` (read-only, as on a server);
 * - `param_<name>` query parameters for `{name:Type}` placeholders;
 * - settings as URL parameters: HTTP-only ones are ignored, `readonly` is enforced here
 *   (a statement check), the rest are `SET` for the one request and reset afterwards;
 * - `database`, `default_format`, `query_id`; gzip/deflate request bodies;
 * - basic auth, `X-ClickHouse-User`/`X-ClickHouse-Key` or `user`/`password` parameters,
 *   checked when the front was given a user and password; optionally a second,
 *   read-only user whose statements run on a chDB session with `readonly = 1` for good
 *   (the engine refuses its writes, table functions and setting changes), and a log of
 *   which user sent each statement;
 * - errors as HTTP 500 (403 for authentication) with ClickHouse's text
 *   (`Code: N. DB::Exception: … (NAME)`) and `X-ClickHouse-Exception-Code`, so the
 *   client raises `ClickHouseError`; a simple `X-ClickHouse-Summary` on success.
 * What it is not: no sessions (`session_id` is ignored), no multipart parameters, no
 * response compression, no progress headers, no concurrency (one user's statements run one at a
 * time, so per-request settings cannot leak between requests, and KILL QUERY waits
 * behind the statement it would kill), no TLS, no users or grants beyond those two users
 * (no per-table grants, quotas, profiles or setting constraints).
 *
 * chDB holds one data folder per process, so the front runs as its own child process
 * (`startClickHouseHttpFront`, entry `clickhouse-http-front-main.ts`); importing this
 * module does not load chDB.
 *
 * Layout (clickhouse-http-front/): `server.ts` the HTTP server and routing, `request.ts`
 * body, authentication and URL parameters, `params.ts` query parameters for chDB's
 * binder, `engine.ts` statements against chDB, `response.ts` answers and errors in
 * ClickHouse's shape, `process.ts` the child process.
 */
export { createClickHouseHttpFront, type ClickHouseHttpFront, type FrontOptions } from './clickhouse-http-front/server.js'
export { startClickHouseHttpFront, type FrontProcess } from './clickhouse-http-front/process.js'
