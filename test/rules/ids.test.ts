import { duplicateSpanId } from '../../src/rules/duplicate-span-id.js';
import { invalidId } from '../../src/rules/invalid-id.js';
import { parentCycle } from '../../src/rules/parent-cycle.js';
import { ruleTable } from '../support/rule-tester.js';
import { sid, span } from '../support/spans.js';

ruleTable(duplicateSpanId, {
  valid: [
    { name: 'distinct ids', spans: [span({ spanId: sid('1') }), span({ spanId: sid('2'), parentSpanId: sid('1') })] },
    { name: "a Zipkin shared client/server pair", spans: [span({ spanId: sid('1'), kind: 'CLIENT' }), span({ spanId: sid('1'), kind: 'SERVER', shared: true, service: 'b' })] },
  ],
  invalid: [
    { name: 'the same span exported twice', spans: [span({ spanId: sid('1'), name: 'x' }), span({ spanId: sid('1'), name: 'x' })], findings: [{ message: `span id ${sid('1')} appears 2 times with identical content`, data: { identical: true, count: 2 } }] },
    { name: 'two different spans with one id', spans: [span({ spanId: sid('1'), name: 'x' }), span({ spanId: sid('1'), name: 'y', at: [3, 4] })], findings: [{ message: 'is used by 2 different spans', data: { identical: false } }] },
  ],
});

ruleTable(invalidId, {
  valid: [{ name: 'well-formed ids', spans: [span({ spanId: sid('1') })] }],
  invalid: [
    {
      name: 'a non-hex trace id used by two spans is one finding',
      spans: [
        span({ traceId: 'trace-123', spanId: sid('1'), idProblems: [{ field: 'traceId', seen: 'trace-123', problem: 'not-hex' }] }),
        span({ traceId: 'trace-123', spanId: sid('2'), idProblems: [{ field: 'traceId', seen: 'trace-123', problem: 'not-hex' }] }),
      ],
      findings: [{ message: "trace id 'trace-123' is not hexadecimal (traceId in 2 spans", severity: 'error', data: { spans: 2, problem: 'not-hex' } }],
    },
    { name: 'an all-zero span id', spans: [span({ spanId: '0'.repeat(16), idProblems: [{ field: 'spanId', seen: '0'.repeat(16), problem: 'all-zero' }] })], findings: [{ message: 'is all zeros', severity: 'error' }] },
    { name: 'an id without leading zeros is a warning', spans: [span({ idProblems: [{ field: 'spanId', seen: 'a68c6983a6d81a2', problem: 'padded' }] })], findings: [{ message: 'without its leading zeros', severity: 'warn' }] },
    { name: 'padded ids can be left out', options: { reportPadded: false }, spans: [span({ idProblems: [{ field: 'spanId', seen: 'abc', problem: 'padded' }, { field: 'traceId', seen: 'zz', problem: 'not-hex' }] })], findings: [{ message: "trace id 'zz'" }] },
  ],
});

ruleTable(parentCycle, {
  valid: [
    { name: 'a chain', spans: [span({ spanId: sid('1') }), span({ spanId: sid('2'), parentSpanId: sid('1') }), span({ spanId: sid('3'), parentSpanId: sid('2') })] },
    { name: 'a tree with an orphaned subtree', spans: [span({ spanId: sid('1') }), span({ spanId: sid('2'), parentSpanId: sid('1') }), span({ spanId: sid('3'), parentSpanId: sid('9') }), span({ spanId: sid('4'), parentSpanId: sid('3') })] },
  ],
  invalid: [
    { name: 'a self-parent', spans: [span({ spanId: sid('1'), parentSpanId: sid('1'), name: 'loop' })], findings: [{ message: "'loop' in svc names itself as its parent" }] },
    {
      name: 'a three-span cycle, reported once',
      spans: [span({ spanId: sid('1'), parentSpanId: sid('3') }), span({ spanId: sid('2'), parentSpanId: sid('1') }), span({ spanId: sid('3'), parentSpanId: sid('2') })],
      findings: [{ message: '3 spans form a parent cycle', data: { cycle: [sid('1'), sid('3'), sid('2')] } }],
    },
    {
      name: 'a two-span cycle beside a healthy tree and a child hanging off the cycle',
      spans: [
        span({ spanId: sid('a') }),
        span({ spanId: sid('b'), parentSpanId: sid('a') }),
        span({ spanId: sid('1'), parentSpanId: sid('2') }),
        span({ spanId: sid('2'), parentSpanId: sid('1') }),
        span({ spanId: sid('3'), parentSpanId: sid('2') }),
      ],
      findings: [{ message: '2 spans form a parent cycle', data: { cycle: [sid('1'), sid('2')] } }],
    },
  ],
});
