/**
 * Writing a message (RFC 3261 §7): start line, headers in order with canonical long names, CRLF
 * line ends, a Content-Length computed from the body (written where the message had one, else
 * last), the empty line and the body octets.
 */
import { LocalError } from '../../core/errors.js';
import type { SipMessage } from './types.js';

function checkLine(what: string, s: string): void {
  if (s.indexOf('\n') !== -1 || s.indexOf('\r') !== -1) {
    throw new LocalError('bad-header-value', `${what} contains a line break`, { context: { what } });
  }
}

export function serializeMessage(msg: SipMessage): Buffer {
  let head: string;
  if (msg.kind === 'request') {
    checkLine('Request-Line', msg.uri);
    checkLine('Request-Line', msg.method);
    head = `${msg.method} ${msg.uri} ${msg.version}\r\n`;
  } else {
    checkLine('Reason-Phrase', msg.reason);
    head = `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  }
  const length = String(msg.body.length);
  let wroteLength = false;
  msg.headers.forEach((name, value) => {
    if (name === 'Content-Length') {
      if (!wroteLength) head += `Content-Length: ${length}\r\n`;
      wroteLength = true;
      return;
    }
    checkLine(name, value);
    head += `${name}: ${value}\r\n`;
  });
  if (!wroteLength) head += `Content-Length: ${length}\r\n`;
  head += '\r\n';
  if (msg.body.length === 0) return Buffer.from(head, 'utf8');
  const headBytes = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headBytes + msg.body.length);
  out.write(head, 0, 'utf8');
  msg.body.copy(out, headBytes);
  return out;
}
