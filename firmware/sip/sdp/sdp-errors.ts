import { RemoteError } from '../../core/errors.js';

export type SdpErrorCode = 'sdp-malformed' | 'sdp-no-audio' | 'sdp-no-common-codec' | 'sdp-bad-address';

/** The peer's SDP cannot be used. `status` is the SIP status to answer an offer with. */
export class SdpError extends RemoteError {
  declare readonly code: SdpErrorCode;
  readonly status: number;
  constructor(code: SdpErrorCode, message: string, status = 488) {
    super(code, message);
    this.status = status;
  }
}
