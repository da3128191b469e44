/**
 * The per-line telephone features the user switches with star codes or the config: do not
 * disturb, call forwarding (all / busy / no answer), hotline or warm line, call waiting.
 * Plain data plus pure helpers; the line state machine reads them and changes them.
 */
import type { StarCodeAction } from './star-codes.js';

export type ForwardMode = 'redirect' | 're-originate';

export interface LineFeatures {
  /** Do not disturb: incoming calls are refused with `dndStatus`, the phone does not ring. */
  dnd: boolean;
  /** 486 Busy Here (default) or 480 Temporarily Unavailable. */
  dndStatus: 486 | 480;
  /** Forward every call to this number ('' = off). */
  forwardAll: string;
  /** Forward calls that arrive while the line is busy ('' = off). */
  forwardBusy: string;
  /** Forward calls not answered within `forwardNoAnswerMs` ('' = off). */
  forwardNoAnswer: string;
  forwardNoAnswerMs: number;
  /** How a call is forwarded: 302 to the caller (default), or a new call from this device. */
  forwardMode: ForwardMode;
  /** A second call while talking gives the call-waiting tone (else 486 / forward-busy). */
  callWaiting: boolean;
  /** Hotline / warm line number ('' = off). */
  hotline: string;
  /** 0 = hotline (dial at once on off-hook); > 0 = warm line: dial after this long without a digit. */
  hotlineDelayMs: number;
}

export const DEFAULT_FEATURES: Readonly<LineFeatures> = Object.freeze({
  dnd: false,
  dndStatus: 486,
  forwardAll: '',
  forwardBusy: '',
  forwardNoAnswer: '',
  forwardNoAnswerMs: 20000,
  forwardMode: 'redirect',
  callWaiting: true,
  hotline: '',
  hotlineDelayMs: 0,
});

/** Star codes that change the persistent settings; returns the new settings (or undefined if `action` is not one of them). */
export function applyFeatureCode(f: LineFeatures, action: StarCodeAction, argument = ''): LineFeatures | undefined {
  switch (action) {
    case 'forward-all-on':
      return { ...f, forwardAll: argument };
    case 'forward-all-off':
      return { ...f, forwardAll: '' };
    case 'forward-busy-on':
      return { ...f, forwardBusy: argument };
    case 'forward-busy-off':
      return { ...f, forwardBusy: '' };
    case 'forward-no-answer-on':
      return { ...f, forwardNoAnswer: argument };
    case 'forward-no-answer-off':
      return { ...f, forwardNoAnswer: '' };
    case 'dnd-on':
      return { ...f, dnd: true };
    case 'dnd-off':
      return { ...f, dnd: false };
    default:
      return undefined;
  }
}

/** A diversion that makes the dial tone stutter as a reminder (DND or forward-all on). */
export function hasActiveDiversion(f: LineFeatures): boolean {
  return f.dnd || f.forwardAll !== '';
}
