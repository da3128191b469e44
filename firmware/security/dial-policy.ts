/**
 * The dial policy: which numbers a line may call, by class and by explicit patterns, and per call
 * path. Pure: a classification and a path in, allow or refuse out. Emergency numbers of the
 * country profile always pass, whatever the lists say.
 *
 * Order: emergency → allow; invalid → refuse; block-list → refuse; allow-list → allow (past the
 * class and path blocks, not past the rate limits); allow-list-only → refuse; path blocks →
 * refuse; class blocks → refuse; else allow.
 */
import type { CountryProfile } from '../line/profiles/types.js';
import { NumberClassifier } from './dial-classifier.js';
import type { Classification } from './dial-classifier.js';
import { compileDialPatterns, matchesPattern } from './dial-pattern.js';
import type { DialPattern } from './dial-pattern.js';
import type { NumberClass, NumberingPlan } from './numbering/types.js';

/** How the number came to be dialled. Every outgoing call, whatever starts it, names one. */
export type CallPath = 'handset' | 'forward' | 'transfer' | 'refer' | 'three-way' | 'hotline' | 'speed-dial';
export const CALL_PATHS: readonly CallPath[] = Object.freeze(['handset', 'forward', 'transfer', 'refer', 'three-way', 'hotline', 'speed-dial']);

export interface DialPolicyConfig {
  /** Patterns always allowed (still rate-limited), e.g. "0044201234567", "011 44 X." */
  allow?: string[];
  /** Patterns always refused (emergency numbers excepted), e.g. "1900!", "00882!". */
  block?: string[];
  /** Refuse everything the allow list does not match (emergency numbers excepted). */
  allowListOnly?: boolean;
  /** Classes refused on every path. Default: premium. */
  blockClasses?: NumberClass[];
  /** Classes refused on one path (on top of blockClasses). Default: refer → international, premium, special; forward → premium, special. */
  pathBlockClasses?: Partial<Record<CallPath, NumberClass[]>>;
}

export const DEFAULT_BLOCK_CLASSES: readonly NumberClass[] = Object.freeze(['premium']);
export const DEFAULT_PATH_BLOCK_CLASSES: Readonly<Partial<Record<CallPath, readonly NumberClass[]>>> = Object.freeze({
  refer: ['international', 'premium', 'special'],
  forward: ['premium', 'special'],
});

export type PolicyRefusalCode = 'invalid-number' | 'blocked-pattern' | 'not-in-allow-list' | 'class-blocked' | 'path-blocked';

export type PolicyDecision =
  | { allow: true; classification: Classification; via: 'emergency' | 'allow-list' | 'policy' }
  | { allow: false; classification: Classification; code: PolicyRefusalCode; reason: string };

export class DialPolicy {
  readonly classifier: NumberClassifier;
  private readonly allowList: DialPattern[];
  private readonly blockList: DialPattern[];
  private readonly allowListOnly: boolean;
  private readonly blockClasses: ReadonlySet<NumberClass>;
  private readonly pathBlocks: Partial<Record<CallPath, ReadonlySet<NumberClass>>>;

  constructor(profile: CountryProfile, config: DialPolicyConfig = {}, plan?: NumberingPlan) {
    this.classifier = new NumberClassifier(profile, plan);
    this.allowList = compileDialPatterns(config.allow ?? []);
    this.blockList = compileDialPatterns(config.block ?? []);
    this.allowListOnly = config.allowListOnly ?? false;
    this.blockClasses = new Set(config.blockClasses ?? DEFAULT_BLOCK_CLASSES);
    const paths = config.pathBlockClasses ?? DEFAULT_PATH_BLOCK_CLASSES;
    this.pathBlocks = {};
    for (const p of CALL_PATHS) if (paths[p]) this.pathBlocks[p] = new Set(paths[p]);
  }

  classify(number: string): Classification {
    return this.classifier.classify(number);
  }

  evaluate(number: string, path: CallPath): PolicyDecision {
    const c = this.classifier.classify(number);
    const refuse = (code: PolicyRefusalCode, reason: string): PolicyDecision => ({ allow: false, classification: c, code, reason });
    if (c.class === 'emergency') return { allow: true, classification: c, via: 'emergency' };
    if (c.class === 'invalid') return refuse('invalid-number', c.note);
    const hit = (list: DialPattern[]) => list.find((p) => matchesPattern(p, c.number) || matchesPattern(p, c.core));
    const blocked = hit(this.blockList);
    if (blocked) return refuse('blocked-pattern', `matches block pattern ${blocked.source}`);
    if (hit(this.allowList)) return { allow: true, classification: c, via: 'allow-list' };
    if (this.allowListOnly) return refuse('not-in-allow-list', 'only allow-listed numbers may be called');
    if (this.pathBlocks[path]?.has(c.class)) return refuse('path-blocked', `${c.class} numbers may not be called by ${path}`);
    if (this.blockClasses.has(c.class)) return refuse('class-blocked', `${c.class} numbers are blocked (${c.note})`);
    return { allow: true, classification: c, via: 'policy' };
  }
}
