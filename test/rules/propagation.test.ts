import { asyncContextLoss } from '../../src/rules/async-context-loss.js';
import { lostPropagation } from '../../src/rules/lost-propagation.js';
import { missingRoot } from '../../src/rules/missing-root.js';
import { multipleRoots } from '../../src/rules/multiple-roots.js';
import { orphanSpan } from '../../src/rules/orphan-span.js';
import { unlinkedConsumer } from '../../src/rules/unlinked-consumer.js';
import { ruleTable } from '../support/rule-tester.js';
import { sid, span, tid } from '../support/spans.js';

const A = tid('a');
const B = tid('b');

ruleTable(orphanSpan, {
  valid: [
    { name: 'a root with children', spans: [span({ spanId: sid('1') }), span({ spanId: sid('2'), parentSpanId: sid('1') })] },
    { name: 'a single root', spans: [span({ spanId: sid('1') })] },
  ],
  invalid: [
    {
      name: 'a subtree under a parent nobody exported, reported once with its size',
      spans: [
        span({ spanId: sid('1') }),
        span({ spanId: sid('2'), parentSpanId: sid('dead'), service: 'inventory' }),
        span({ spanId: sid('3'), parentSpanId: sid('2'), service: 'inventory' }),
        span({ spanId: sid('4'), parentSpanId: sid('dead'), service: 'inventory', at: [1, 2] }),
      ],
      findings: [{ spanId: sid('2'), message: `has parent ${sid('dead')}, which was not exported; 3 spans hang under the missing parent`, data: { missingParentId: sid('dead'), orphans: 2, subtreeSize: 3, services: ['inventory'] } }],
    },
    {
      name: 'two different missing parents are two findings',
      spans: [span({ spanId: sid('2'), parentSpanId: sid('x1') }), span({ spanId: sid('3'), parentSpanId: sid('x2'), at: [1, 2] })],
      findings: [{ data: { missingParentId: sid('x1') } }, { data: { missingParentId: sid('x2') } }],
    },
  ],
});

ruleTable(multipleRoots, {
  valid: [{ name: 'one root', spans: [span({ spanId: sid('1') }), span({ spanId: sid('2'), parentSpanId: sid('1') })] }],
  invalid: [
    {
      name: 'a second root under the same trace id',
      spans: [span({ spanId: sid('1'), at: [0, 10] }), span({ spanId: sid('2'), at: [5, 6], name: 'late' })],
      findings: [{ spanId: sid('2'), message: "'late' in svc is a second root", data: { roots: 2, firstRootSpanId: sid('1') } }],
    },
  ],
});

ruleTable(missingRoot, {
  valid: [
    { name: 'a trace with a root', spans: [span({ spanId: sid('1') })] },
    { name: 'a root plus an orphan still has a root', spans: [span({ spanId: sid('1') }), span({ spanId: sid('2'), parentSpanId: sid('9') })] },
  ],
  invalid: [{ name: 'only orphans', spans: [span({ spanId: sid('2'), parentSpanId: sid('9') })], findings: [{ message: 'trace has no root span: 1 detached subtree', spanId: sid('2') }] }],
});

const call = (over: Parameters<typeof span>[0] = {}) =>
  span({ traceId: A, spanId: sid('c1'), parentSpanId: sid('r1'), kind: 'CLIENT', service: 'frontend', name: 'GET /stock', at: [10, 40], attributes: { 'server.address': 'inventory.prod.svc' }, ...over });
const frontendRoot = () => span({ traceId: A, spanId: sid('r1'), kind: 'SERVER', service: 'frontend', at: [0, 50] });
const inventoryRoot = (over: Parameters<typeof span>[0] = {}) => span({ traceId: B, spanId: sid('s1'), kind: 'SERVER', service: 'inventory', name: 'GET /stock', at: [12, 38], ...over });

/** Six public requests to inventory (other paths, browsers' ports) during the call. */
const busyInventory = () => [0, 1, 2, 3, 4, 5].map((n) => inventoryRoot({ traceId: tid(`p${n}`), spanId: sid(`p${n}`), name: 'GET /products', at: [12 + n, 30 + n], attributes: { 'url.path': `/products/${n}`, 'client.port': 40000 + n } }));

ruleTable(lostPropagation, {
  valid: [
    { name: 'the server span continues the client trace', spans: [frontendRoot(), call(), span({ traceId: A, spanId: sid('s1'), parentSpanId: sid('c1'), kind: 'SERVER', service: 'inventory', at: [12, 38] })] },
    { name: 'a childless call with no new trace anywhere (the callee is not instrumented)', spans: [frontendRoot(), call()] },
    { name: 'a new trace in another service than the one called', spans: [frontendRoot(), call(), inventoryRoot({ service: 'billing' })] },
    { name: 'a new trace outside the call window', spans: [frontendRoot(), call(), inventoryRoot({ at: [100, 120] })] },
  ],
  invalid: [
    {
      name: 'the callee started a new trace during the call',
      spans: [frontendRoot(), call(), inventoryRoot()],
      findings: [{ spanId: sid('c1'), severity: 'error', message: `CLIENT 'GET /stock' in frontend has no child, and SERVER 'GET /stock' in inventory started a new trace ${B} during the call (the only new trace of that service in the call)`, data: { calleeTraceId: B, calleeSpanId: sid('s1'), callerService: 'frontend', calleeService: 'inventory', candidates: 1, evidence: 'only-fit' } }],
    },
    {
      name: 'a busy callee that also serves the public: six new traces fit, none singled out — a warning that the call went unanswered',
      spans: [frontendRoot(), call(), ...busyInventory()],
      findings: [{ severity: 'warn', message: "6 new traces of 'inventory' started during the call, none matching its path or port", data: { candidates: 6, evidence: null } }],
    },
    {
      name: 'a busy callee, and one of its new traces served the path the client called',
      spans: [frontendRoot(), call({ attributes: { 'server.address': 'inventory', 'url.full': 'http://inventory/stock/42?fresh=1', 'http.request.method': 'GET' } }), ...busyInventory(), inventoryRoot({ spanId: sid('hit'), at: [20, 30], attributes: { 'http.request.method': 'GET', 'http.route': '/stock/:sku' } })],
      findings: [{ severity: 'error', message: 'the only one serving the path it called', data: { calleeSpanId: sid('hit'), evidence: 'path', candidates: 7 } }],
    },
    {
      name: 'a busy callee, and one saw the caller\'s port as its peer\'s',
      spans: [frontendRoot(), call({ attributes: { 'server.address': 'inventory', 'network.local.port': 51234 } }), ...busyInventory(), inventoryRoot({ spanId: sid('hit'), at: [20, 30], attributes: { 'client.port': 51234 } })],
      findings: [{ severity: 'error', data: { calleeSpanId: sid('hit'), evidence: 'ports' } }],
    },
    {
      name: 'without peer attributes, any other service starting a trace inside the window',
      spans: [frontendRoot(), call({ attributes: {} }), inventoryRoot()],
      findings: [{ data: { calleeService: 'inventory' } }],
    },
    {
      name: 'a producer whose consumer started a new trace on the same destination',
      spans: [
        frontendRoot(),
        call({ kind: 'PRODUCER', name: 'orders publish', attributes: { 'messaging.destination.name': 'orders' }, at: [10, 11] }),
        span({ traceId: B, spanId: sid('k1'), kind: 'CONSUMER', service: 'worker', attributes: { 'messaging.destination.name': 'orders' }, at: [500, 600] }),
      ],
      findings: [{ data: { calleeSpanId: sid('k1'), calleeService: 'worker' } }],
    },
  ],
});

const request = (trace: string, id: string, at: [number, number], service = 'api') => span({ traceId: trace, spanId: sid(id), service, kind: 'SERVER', name: 'POST /orders', at });
const job = (trace: string, id: string, at: [number, number], over: Parameters<typeof span>[0] = {}) => span({ traceId: trace, spanId: sid(id), service: 'api', kind: 'INTERNAL', name: 'send-email', at, ...over });
ruleTable(asyncContextLoss, {
  valid: [
    { name: 'a new SERVER root is an entry point, not lost async work', spans: [request(A, '1', [0, 100]), request(B, '2', [10, 20])] },
    { name: 'a root in another service', spans: [request(A, '1', [0, 100]), job(B, '2', [10, 20], { service: 'worker' })] },
    { name: 'a root after the request ended', spans: [request(A, '1', [0, 100]), job(B, '2', [150, 160])] },
    { name: 'a root that links to its cause', spans: [request(A, '1', [0, 100]), job(B, '2', [10, 20], { links: [{ traceId: A, spanId: sid('1'), attributes: Object.create(null), droppedAttributesCount: 0 }] })] },
    // The old rule's false alarms: time windows alone are not evidence.
    { name: 'inside another root, not inside a request of the service', spans: [job(A, '1', [0, 100], { name: 'nightly-report' }), job(B, '2', [10, 20])] },
    {
      name: 'a worker running scheduled jobs side by side while it serves requests (each job overlaps the previous one)',
      spans: [request(tid('r'), 'r', [0, 1000]), ...[0, 1, 2, 3].map((n) => job(tid(`j${n}`), `j${n}`, [100 * n + 5, 100 * n + 250], { name: 'sync-inventory' }))],
    },
    {
      name: 'a load generator starting user sessions (CLIENT roots that overlap, no requests of its own)',
      spans: [0, 1, 2].map((n) => span({ traceId: tid(`s${n}`), spanId: sid(`s${n}`), service: 'loadgenerator', kind: 'CLIENT', name: 'GET', at: [n * 3, n * 3 + 10] })),
    },
    {
      name: 'a scheduler: roots of one operation every 60 s, in a service that is always busy',
      spans: [request(tid('r'), 'r', [0, 400_000]), ...[0, 1, 2, 3].map((n) => job(tid(`c${n}`), `c${n}`, [60_000 * n + 10, 60_000 * n + 20], { name: 'cron tick' }))],
    },
  ],
  invalid: [
    {
      name: 'an INTERNAL root inside the only request of the same service running',
      spans: [request(A, '1', [0, 100]), span({ traceId: A, spanId: sid('3'), parentSpanId: sid('1'), service: 'api', at: [5, 60] }), job(B, '2', [50, 70])],
      findings: [{ spanId: sid('2'), message: `'send-email' in api starts a new trace while SERVER 'POST /orders' in api of trace ${A}, the only request of 'api' running, is serving it`, data: { hostTraceId: A, hostSpanId: sid('1'), runningRequests: 1 } }],
    },
    {
      name: 'the same lost context on every request is one finding with the count',
      spans: [0, 1, 2].flatMap((n) => [request(tid(`q${n}`), `q${n}`, [1000 * n, 1000 * n + 100]), job(tid(`e${n}`), `e${n}`, [1000 * n + 50, 1000 * n + 70 + n])]),
      findings: [{ count: 3 }],
    },
    {
      name: 'two requests running: said, with how many',
      spans: [request(A, '1', [0, 100]), request(tid('c'), '4', [20, 90]), job(B, '2', [50, 70])],
      findings: [{ message: '2 requests of \'api\' are running in other traces', data: { runningRequests: 2 } }],
    },
  ],
});

ruleTable(unlinkedConsumer, {
  valid: [
    { name: 'a consumer with a parent', spans: [span({ spanId: sid('1') }), span({ spanId: sid('2'), parentSpanId: sid('1'), kind: 'CONSUMER' })] },
    { name: 'a consumer root with a link', spans: [span({ spanId: sid('2'), kind: 'CONSUMER', links: [{ traceId: B, spanId: sid('9'), attributes: Object.create(null), droppedAttributesCount: 0 }] })] },
  ],
  invalid: [{ name: 'a consumer root with neither', spans: [span({ spanId: sid('2'), kind: 'CONSUMER', name: 'poll' })], findings: [{ spanId: sid('2'), message: "CONSUMER 'poll' in svc has no parent and no link" }] }],
});
