/** The line controller's feature options from a line's `features:` configuration. */
import type { LineFeatureConfig } from '../config/schema.js';
import type { DialPlan } from './dial-plan.js';
import { compileDigitMap } from './digit-map.js';
import { defaultDigitMap } from './digit-map-defaults.js';
import type { LineFeatures } from './line-features.js';
import type { CountryProfile } from './profiles/types.js';
import { buildStarCodeTable, ROTARY_STAR_PREFIX } from './star-codes.js';
import type { StarCodeAction } from './star-codes.js';

export interface LineFeatureOptions {
  plan: DialPlan;
  features: LineFeatures;
  mwi: boolean;
}

export function lineFeatureOptions(f: LineFeatureConfig, profile: CountryProfile): LineFeatureOptions {
  const rotaryPrefix = ROTARY_STAR_PREFIX[profile.code.toLowerCase()];
  return {
    plan: {
      map: f.digitMap ? compileDigitMap(f.digitMap) : defaultDigitMap(profile),
      starCodes: buildStarCodeTable(f.starCodes as Partial<Record<StarCodeAction, string | null>>),
      ...(rotaryPrefix ? { rotaryPrefix } : {}),
    },
    features: {
      dnd: f.dnd,
      dndStatus: f.dndStatus,
      forwardAll: f.forwardAll,
      forwardBusy: f.forwardBusy,
      forwardNoAnswer: f.forwardNoAnswer,
      forwardNoAnswerMs: f.forwardNoAnswerS * 1000,
      forwardMode: f.forwardMode,
      callWaiting: f.callWaiting,
      hotline: f.hotline,
      hotlineDelayMs: f.hotlineDelayS * 1000,
    },
    mwi: f.mwi,
  };
}
