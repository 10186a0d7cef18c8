/**
 * An HTTP proxy on 127.0.0.1 in front of a ClickHouse HTTP endpoint (in tests, the
 * ClickHouse-HTTP test front), scriptable at run time from the test process:
 *
 * - `down()`: close the listening port and cut open connections → connection refused;
 *   `up()` listens again on the same port and clears every fault;
 * - `failAll(status)`: answer 500/503 with a ClickHouse-like error body, forwarding nothing;
 * - `hangAll()`: accept, read the request, never answer (the client times out);
 * - `inject(fault, { match, times })` for finer cases, first matching rule wins:
 *   `forward-then-hang` (the server did the work, the answer is lost),
 *   `forward-then-error` (the server did the work, the client hears an error),
 *   `hold` (keep the request, deliver it to the server only when `until` settles, after
 *   the client gave up: a server that commits a timed-out insert late).
 *
 * Every request is logged (`log`) with what the proxy did, so tests can see what reached
 * ClickHouse. It holds no chDB, so it lives in the test process. Requests are buffered
 * whole before forwarding (ClickHouse bodies in tests are small).
 *
 * @example
 * const proxy = await startFaultProxy(front.url)
 * await proxy.down()                         // ClickHouse unreachable
 * await proxy.up()                           // back
 * proxy.inject({ kind: 'forward-then-hang' }, { match: (r) => r.kind === 'insert', times: 1 })
 * await proxy.close()
 *
 * Layout (fault-proxy/): `model.ts` requests, faults, rules and the log; `upstream.ts`
 * forwarding and injected errors; `proxy.ts` the server and its controls.
 */
export { FaultProxy, startFaultProxy } from './fault-proxy/proxy.js'
export { isInsertInto, type Fault, type Outcome, type ProxiedRequest, type ProxyLogEntry, type RuleOptions } from './fault-proxy/model.js'
