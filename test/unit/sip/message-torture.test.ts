/**
 * RFC 4475 torture messages: every message of test/fixtures/sip-torture/index.json is parsed and
 * (requests) validated, and must get the verdict the index gives. Well-formed ones must also
 * survive serialize → parse with the same meaning.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSipParseError, type SipParseError } from '../../../firmware/sip/message/errors.js';
import { parseAuthParams } from '../../../firmware/sip/message/header-values.js';
import { parseMessage } from '../../../firmware/sip/message/parse.js';
import { createResponse } from '../../../firmware/sip/message/response.js';
import { serializeMessage } from '../../../firmware/sip/message/serialize.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../firmware/sip/message/types.js';
import { KNOWN_METHODS, validateRequest, validateResponse, type Rejection, type ResponseProblem } from '../../../firmware/sip/message/validate.js';

interface IndexEntry {
  name: string;
  section: string;
  valid: boolean;
  expected: string;
  description: string;
  bytes: number;
  sha256: string;
}

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

const FIXTURES = path.join(repoRoot(), 'test/fixtures/sip-torture');
const index = JSON.parse(readFileSync(path.join(FIXTURES, 'index.json'), 'utf8')) as { messages: IndexEntry[] };

type Outcome =
  | { kind: 'parse-error'; error: SipParseError }
  | { kind: 'request'; msg: SipRequest; rejection: Rejection | null }
  | { kind: 'response'; msg: SipResponse; problem: ResponseProblem | null };

function judge(data: Buffer): Outcome {
  let msg: SipMessage;
  try {
    msg = parseMessage(data);
  } catch (e) {
    if (!isSipParseError(e)) throw e;
    return { kind: 'parse-error', error: e };
  }
  if (msg.kind === 'request') return { kind: 'request', msg, rejection: validateRequest(msg) };
  return { kind: 'response', msg, problem: validateResponse(msg) };
}

function describe(o: Outcome): string {
  if (o.kind === 'parse-error') return `parse error ${o.error.code} (${o.error.status}) ${o.error.message}`;
  if (o.kind === 'request') return o.rejection ? `rejected ${o.rejection.status} ${o.rejection.reason}` : 'accepted';
  return o.problem ? `response flagged ${o.problem.code}` : 'response accepted';
}

/** The status a request got, from the parser or the validator (null: accepted). */
function statusOf(o: Outcome): number | null {
  if (o.kind === 'parse-error') return o.error.status;
  if (o.kind === 'request') return o.rejection?.status ?? null;
  throw new Error('not a request');
}

/** A parse error on a request must still let us answer: check `partial` builds a response with that status. */
function assertAnswerable(o: Outcome, status: number, name: string): void {
  if (o.kind !== 'parse-error') return;
  const partial = o.error.partial;
  assert.ok(partial, `${name}: parse error without partial request`);
  const answer = parseMessage(serializeMessage(createResponse(partial!, o.error.status, o.error.reason)));
  assert.is(answer.kind, 'response');
  assert.is((answer as SipResponse).status, status);
  assert.is(answer.headers.get('Call-ID'), partial!.headers.get('Call-ID'));
}

function assertSameMeaning(a: SipMessage, b: SipMessage, name: string): void {
  assert.is(b.kind, a.kind, `${name}: kind`);
  assert.is(b.version, a.version);
  if (a.kind === 'request' && b.kind === 'request') {
    assert.is(b.method, a.method, `${name}: method`);
    assert.is(b.uri, a.uri, `${name}: uri`);
  }
  if (a.kind === 'response' && b.kind === 'response') {
    assert.is(b.status, a.status, `${name}: status`);
    assert.is(b.reason, a.reason, `${name}: reason`);
  }
  assert.ok(Buffer.compare(a.body, b.body) === 0, `${name}: body differs`);
  const names = new Set(a.headers.entries().map(([n]) => n));
  for (const [n] of b.headers.entries()) names.add(n);
  for (const n of names) {
    if (n === 'Content-Length') continue;
    assert.equal(b.headers.getAll(n), a.headers.getAll(n), `${name}: header ${n}`);
  }
  assert.is(Number(b.headers.get('Content-Length')), a.body.length, `${name}: Content-Length`);
}

function checkVerdict(m: IndexEntry, o: Outcome): void {
  const where = `${m.name} (${m.section}): got ${describe(o)}`;
  if (m.valid) assert.is.not(o.kind, 'parse-error', `${where}; a well-formed message must parse`);
  else if (!m.expected.includes('-or-ignore-')) {
    assert.ok(!(o.kind === 'request' && o.rejection === null) && !(o.kind === 'response' && o.problem === null), `${where}; must not be accepted`);
  }

  if (m.expected === 'accept') {
    if (o.kind === 'request') {
      // An unknown method is answered 501 once the syntax is fine (RFC 4475 §3.1.1.2, §3.1.1.5).
      const expected = KNOWN_METHODS.includes(o.msg.method) ? null : 501;
      assert.is(o.rejection?.status ?? null, expected, where);
    } else if (o.kind === 'response') {
      assert.is(o.problem, null, where);
    }
    return;
  }

  if (m.expected === 'discard-response') {
    assert.ok(o.kind === 'parse-error' || o.kind === 'response', where);
    if (o.kind === 'response') assert.ok(o.problem !== null, where);
    return;
  }

  const or = /^reject-(\d{3})-or-ignore-(.+)$/.exec(m.expected);
  if (or) {
    const status = statusOf(o);
    assert.ok(status === null || status === Number(or[1]), where);
    if (status === null) assert.ok((o as { msg: SipRequest }).msg.headers.has(or[2]!), `${where}; the ignored ${or[2]} header is kept`);
    else assertAnswerable(o, status, m.name);
    return;
  }

  const rej = /^reject-(\d{3})$/.exec(m.expected);
  assert.ok(rej, `${m.name}: unknown expectation ${m.expected}`);
  const status = Number(rej![1]);
  if (status === 401) {
    // Challenging is the registrar's job, not the message layer's: the request passes validation
    // and carries credentials in a scheme other than Digest, which the auth layer answers with 401.
    assert.is(o.kind, 'request', where);
    const req = (o as { msg: SipRequest }).msg;
    assert.is(statusOf(o), null, where);
    const auth = req.headers.get('Authorization');
    assert.ok(auth !== undefined, `${m.name}: Authorization expected`);
    assert.is.not(parseAuthParams(auth!).scheme.toLowerCase(), 'digest');
    return;
  }
  assert.is(statusOf(o), status, where);
  assertAnswerable(o, status, m.name);
  if (o.kind !== 'request' || o.rejection === null) return;
  const headers = new Map(o.rejection.headers ?? []);
  if (status === 420) {
    const require = o.msg.headers.getAll('Require');
    assert.ok(require.length > 0);
    assert.equal(headers.get('Unsupported')?.split(/,\s*/), require, `${m.name}: Unsupported lists the Require tags`);
  }
  if (status === 415) assert.ok(headers.has('Accept') || headers.has('Accept-Encoding'), `${m.name}: 415 says what is accepted`);
}

test('the index lists every fixture file, and the files are the archive bytes', () => {
  assert.ok(index.messages.length >= 49);
  const names = new Set(index.messages.map((m) => m.name));
  assert.is(names.size, index.messages.length);
  for (const m of index.messages) {
    const data = readFileSync(path.join(FIXTURES, m.name));
    assert.is(data.length, m.bytes, `${m.name}: size`);
    assert.is(createHash('sha256').update(data).digest('hex'), m.sha256, `${m.name}: sha256`);
  }
});

for (const m of index.messages) {
  test(`${m.name} (RFC 4475 §${m.section}): ${m.expected}`, () => {
    const data = readFileSync(path.join(FIXTURES, m.name));
    const o = judge(data);
    checkVerdict(m, o);
    if (m.valid && o.kind !== 'parse-error') {
      const again = parseMessage(serializeMessage(o.msg));
      assertSameMeaning(o.msg, again, m.name);
    }
  });
}

test.run();
