import { describe, expect, it } from 'vitest';
import { oversizedAttribute } from '../../src/rules/oversized-attribute.js';
import { findSqlLiterals } from '../../src/rules/support/sql-literals.js';
import { ruleTable } from '../support/rule-tester.js';
import { span } from '../support/spans.js';

const sql = (key: string, text: string, service = 'svc') => span({ service, attributes: { key: 'x', [key]: text } });

ruleTable(oversizedAttribute, {
  valid: [
    { name: 'parameterised SQL', spans: [sql('db.query.text', 'SELECT * FROM orders WHERE id = ? AND status IN (?, ?)')] },
    {
      name: 'every placeholder style',
      spans: [
        sql('db.statement', 'SELECT * FROM t WHERE a = $1 AND b = :name AND c = @p1 AND d = %s AND e = %(email)s AND f = ?2 AND g = :1'),
        sql('db.query.text', 'INSERT INTO orders (id, total) VALUES ($1, $2), ($3, $4)'),
        sql('sql.query', 'update installed_app set install_status = ?, last_updated = ? where id = ?'),
      ],
    },
    {
      name: 'literals that are not data: LIMIT, function arguments, casts, constant conditions, NULL and booleans',
      spans: [
        sql('db.query.text', 'SELECT round(price, 2), substr(name, 1, 3), x::numeric(10,2) FROM t WHERE 1 = 1 AND deleted IS NULL AND active = TRUE AND id = ? ORDER BY 1 LIMIT 10 OFFSET 20'),
        sql('db.query.text', "SELECT * FROM t WHERE created > now() - interval '1 day' AND id = ?"),
        sql('db.query.text', "INSERT INTO t (a, b) VALUES (?, lower(?)) -- was VALUES (1, 'x')"),
      ],
    },
    { name: 'double-quoted names are identifiers', spans: [sql('db.statement', 'SELECT "users"."id" FROM "users" WHERE "users"."email" = ? AND "users"."org" = "orgs"."id"')] },
    {
      name: 'query text that is not SQL: Redis commands, a search DSL, JSON',
      spans: [sql('db.statement', 'set key 68a61bd7aa82db490c32264bfa053750'), sql('db.statement', 'GET productCache::1'), sql('db.query.text', 'SEARCH collection=docs topK=8'), sql('db.query.text', '{"query":{"term":{"traceID":"?"}}}')],
    },
    { name: 'SQL with literals under a key that does not carry SQL', spans: [span({ attributes: { 'app.note': "UPDATE t SET x = 'y'" } })] },
    { name: 'a short body', spans: [span({ attributes: { 'http.request.body': '{"ok":true}' } })] },
  ],
  invalid: [
    {
      name: 'SQL with a string literal',
      spans: [sql('db.statement', "SELECT * FROM users WHERE email = 'a@b.c'")],
      findings: [{ message: "attribute 'db.statement' holds SQL with literal values instead of placeholders (spans of 'svc'; first: SELECT * FROM users WHERE email = ?)", data: { key: 'db.statement', literals: 1 } }],
    },
    // As Brave's p6spy instrumentation writes it (zipkin__simple-db-p6.json).
    { name: 'INSERT … VALUES in sql.query', spans: [sql('sql.query', "insert into api_book (book_price, book_title, book_id) values (12.25, 'Cloud Native Java', 10001)")], findings: [{ message: 'first: insert into api_book (book_price, book_title, book_id) values (?, ?, ?)', data: { literals: 3 } }] },
    { name: 'UPDATE … SET', spans: [sql('db.query.text', "UPDATE accounts SET email = 'jane@acmecorp.eu', updated = ? WHERE id = ?")], findings: [{ data: { literals: 1, query: 'UPDATE accounts SET email = ?, updated = ? WHERE id = ?' } }] },
    { name: 'numbers compared, listed and between', spans: [sql('db.query.text', 'SELECT * FROM t WHERE a = -1 AND b IN (1, 2, 3) AND c BETWEEN 5 AND 9 AND d >= 2.5')], findings: [{ data: { literals: 7 } }] },
    { name: 'LIKE, typed literals and prefixed strings', spans: [sql('db.query.text', "SELECT * FROM t WHERE name LIKE 'jan%' AND born = DATE '1985-04-12' AND code = N'x'")], findings: [{ data: { literals: 3 } }] },
    { name: 'a second VALUES tuple with literals', spans: [sql('db.query.text', "INSERT INTO t (a, b) VALUES (?, ?), (1, 'x')")], findings: [{ data: { literals: 2 } }] },
    { name: 'Cassandra CQL and datasource-micrometer keys', spans: [sql('cassandra.query', "SELECT * FROM auth.client WHERE id = 'abc'"), sql('jdbc.query[0]', 'DELETE FROM orders WHERE id = 42')], findings: [{ data: { key: 'cassandra.query' } }, { data: { key: 'jdbc.query[0]' } }] },
    {
      name: 'a query template repeated on many spans is one finding per service and key',
      spans: [sql('sql.query', "SELECT * FROM t WHERE kind = 'a'"), sql('sql.query', 'SELECT * FROM t WHERE id = 7'), sql('sql.query', "SELECT * FROM t WHERE kind = 'a'"), sql('sql.query', "SELECT * FROM t WHERE kind = 'a'", 'other')],
      findings: [
        { message: "(spans of 'svc'; first: SELECT * FROM t WHERE kind = ?)", count: 3 },
        { message: "(spans of 'other'", count: 1 },
      ],
    },
    {
      name: 'a long statement is shown around its first literal',
      spans: [sql('db.query.text', `SELECT ${Array.from({ length: 30 }, (_, i) => `c${i}`).join(', ')} FROM t WHERE tag LIKE 'st:%' AND id = ?`)],
      findings: [{ message: /first: …c\d+, c\d+, .* FROM t WHERE tag LIKE \? AND id = \?\)$/ }],
    },
    { name: 'a body', spans: [span({ attributes: { 'http.response.body': 'x'.repeat(300) } })], findings: [{ message: "attribute 'http.response.body' holds a body longer than 256 characters (spans of 'svc'; the first 300)" }] },
    { name: 'a huge value', spans: [span({ attributes: { 'app.dump': 'y'.repeat(5000) } })], findings: [{ message: 'is longer than 2048 characters', data: { length: 5000, limit: 2048 } }] },
    { name: 'huge values under one key on many spans are one finding', spans: [span({ attributes: { 'app.dump': 'y'.repeat(5000) } }), span({ attributes: { 'app.dump': 'z'.repeat(3000) } })], findings: [{ message: 'the first 5000', count: 2 }] },
  ],
});

describe('SQL literals', () => {
  it('are replaced by ? in the text shown, literals outside data positions too', () => {
    expect(findSqlLiterals("SELECT substr(name, 1, 3) FROM t WHERE a = 'x'  LIMIT 10")).toEqual({ count: 1, sanitized: 'SELECT substr(name, ?, ?) FROM t WHERE a = ? LIMIT ?', firstAt: 43 });
  });

  it('escaped quotes stay inside their string', () => {
    expect(findSqlLiterals("SELECT * FROM t WHERE a = 'it''s' AND b = ?")?.sanitized).toBe('SELECT * FROM t WHERE a = ? AND b = ?');
  });

  it('run in linear time on 1 MB adversarial statements', () => {
    const adversarial = [`SELECT ${'('.repeat(1 << 20)}`, `INSERT INTO t VALUES ${'(1),'.repeat(1 << 18)}`, `SELECT * FROM t WHERE ${"a = 'x' AND ".repeat(1 << 16)}`, `SELECT ${"'".repeat(1 << 20)}`, `SELECT ${'/*'.repeat(1 << 19)}`, `SELECT * FROM t WHERE a IN (${'1,'.repeat(1 << 19)})`];
    for (const text of adversarial) {
      const started = performance.now();
      findSqlLiterals(text);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
