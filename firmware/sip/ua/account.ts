/** One SIP account, as the UA core needs it (resolved from the config by the composition root). */
export interface AccountSettings {
  /** Registrar / outbound proxy host as configured (name or address). */
  registrarHost: string;
  registrarPort: number;
  domain: string;
  user: string;
  authUser: string;
  password: string;
  displayName?: string;
  /** Registration expiry to request, seconds. */
  expires: number;
}

/** This UA's own transport address, as far ends should see it. */
export interface LocalAddress {
  address: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
}
