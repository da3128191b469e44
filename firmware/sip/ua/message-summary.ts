/**
 * RFC 3842 `application/simple-message-summary` bodies (the NOTIFY body of the message-summary
 * event package, i.e. message waiting indication):
 *
 *   Messages-Waiting: yes
 *   Message-Account: sip:alice@vmail.example.com
 *   Voice-Message: 2/8 (0/2)
 *
 * Grammar (RFC 3842 §5.2): a status line, an optional account, summary lines
 * `class: new/old [(urgent-new/urgent-old)]` for RFC 3458 message-context classes, then
 * optionally a blank line and headers about individual messages (blank-line separated groups).
 * Parsing is lenient where it costs nothing: header names in any case, blanks anywhere around
 * `:`, `/` and the parentheses, LF or CRLF line ends, folded lines, lines in any order, and
 * summary lines for classes not in RFC 3458. Garbage throws `MessageSummaryError`.
 */
import { RemoteError } from '../../core/errors.js';

export type MessageSummaryErrorCode = 'empty-body' | 'missing-status' | 'bad-status' | 'bad-line' | 'bad-count';

export class MessageSummaryError extends RemoteError {
  declare readonly code: MessageSummaryErrorCode;
  constructor(code: MessageSummaryErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(code, `message-summary: ${message}`, { context });
  }
}

/** The RFC 3458 message-context classes RFC 3842 uses in summary lines. */
export const MESSAGE_CLASSES = ['voice-message', 'fax-message', 'pager-message', 'multimedia-message', 'text-message', 'none'] as const;

export interface MessageCounts {
  newCount: number;
  oldCount: number;
  urgentNew: number;
  urgentOld: number;
}

export interface MessageSummary {
  /** Messages-Waiting: yes. */
  waiting: boolean;
  /** Message-Account, when given. */
  account?: string;
  /** Summary lines by lower-case class name ('voice-message', 'fax-message', ...). */
  classes: Map<string, MessageCounts>;
  /** The 'voice-message' counts, when given (what an analog phone's MWI is about). */
  voice?: MessageCounts;
  /** Other header lines of the summary section, in order (lower-case names). */
  extensions: Array<[name: string, value: string]>;
  /** Headers about individual messages, one list per message (lower-case names). */
  messages: Array<Array<[name: string, value: string]>>;
}

const MAX_COUNT = 0xffffffff;
const COUNTS = /^(\d+)\s*\/\s*(\d+)\s*(?:\(\s*(\d+)\s*\/\s*(\d+)\s*\))?$/;
const HEADER = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)[ \t]*:(.*)$/;

function count(text: string | undefined, line: number): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n > MAX_COUNT) throw new MessageSummaryError('bad-count', `count ${text} too large`, { line });
  return n;
}

/** Parse `new/old (urgent-new/urgent-old)`; undefined when the value has another shape. */
export function parseMessageCounts(value: string, line = 0): MessageCounts | undefined {
  const m = COUNTS.exec(value.trim());
  if (!m) return undefined;
  return { newCount: count(m[1], line), oldCount: count(m[2], line), urgentNew: count(m[3], line), urgentOld: count(m[4], line) };
}

interface Line {
  text: string;
  number: number;
}

/** Lines with ends normalised, trailing blanks removed, folded lines joined. */
function lines(body: string): Line[] {
  const out: Line[] = [];
  body.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const text = raw.replace(/[ \t]+$/, '');
    const prev = out[out.length - 1];
    if (/^[ \t]/.test(text) && text.trim() !== '' && prev && prev.text !== '') prev.text += ' ' + text.trim();
    else out.push({ text, number: i + 1 });
  });
  return out;
}

export function parseMessageSummary(body: string | Uint8Array): MessageSummary {
  const text = typeof body === 'string' ? body : new TextDecoder('utf-8').decode(body);
  const all = lines(text);
  let i = 0;
  while (i < all.length && all[i]!.text.trim() === '') i++;
  if (i === all.length) throw new MessageSummaryError('empty-body', 'empty body');
  const summary: MessageSummary = { waiting: false, classes: new Map(), extensions: [], messages: [] };
  let status: boolean | undefined;
  for (; i < all.length && all[i]!.text.trim() !== ''; i++) {
    const { text: lineText, number } = all[i]!;
    const m = HEADER.exec(lineText.trim());
    if (!m) throw new MessageSummaryError('bad-line', `line ${number} is not 'Name: value'`, { line: number, text: lineText.slice(0, 80) });
    const name = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (name === 'messages-waiting') {
      const v = value.toLowerCase();
      if (v !== 'yes' && v !== 'no') throw new MessageSummaryError('bad-status', `Messages-Waiting '${value}' (yes or no)`, { line: number });
      status ??= v === 'yes';
    } else if (name === 'message-account') {
      summary.account ??= value.replace(/^<(.*)>$/, '$1');
    } else {
      const counts = parseMessageCounts(value, number);
      if (counts) {
        if (!summary.classes.has(name)) summary.classes.set(name, counts);
      } else if ((MESSAGE_CLASSES as readonly string[]).includes(name)) {
        throw new MessageSummaryError('bad-count', `${m[1]} '${value}' is not new/old (urgent-new/urgent-old)`, { line: number });
      } else summary.extensions.push([name, value]);
    }
  }
  if (status === undefined) throw new MessageSummaryError('missing-status', 'no Messages-Waiting line');
  summary.waiting = status;
  summary.voice = summary.classes.get('voice-message');
  let group: Array<[string, string]> = [];
  for (; i < all.length; i++) {
    const t = all[i]!.text.trim();
    if (t === '') {
      if (group.length) summary.messages.push(group);
      group = [];
      continue;
    }
    const m = HEADER.exec(t);
    if (m) group.push([m[1]!.toLowerCase(), m[2]!.trim()]);
  }
  if (group.length) summary.messages.push(group);
  return summary;
}
