/** Turning one sensitive value into its replacement: redaction marker, mask, keyed hash or vault placeholder. */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { typeTable } from "./catalog.js";
import type { FilterAction, TokenValue, TokenVault } from "./types.js";

/** Label used in markers and placeholders: the catalogue's, else the type upper-cased to `[A-Z0-9_]`. */
export function labelOf(type: string): string {
  const known = typeTable().get(type);
  if (known !== undefined) return known.label;
  const label = type.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
  return /^[A-Z]/.test(label) ? label : `X_${label}`;
}

/** Applies actions with one HMAC key and, for `tokenize`, one vault. */
export class ActionApplier {
  readonly #key: Uint8Array;
  readonly #hashLength: number;
  readonly #vault: TokenVault | undefined;
  readonly #dryRun: boolean;
  readonly #markers = new Map<string, string>();
  /** Set when a `tokenize` fell back to `redact` because the vault was full. */
  vaultFull = false;
  /** The action the last {@link ActionApplier.apply} took. */
  action: FilterAction = "redact";

  /** `dryRun`: report the action without computing a replacement (and without issuing placeholders). */
  constructor(key: Uint8Array, hashLength: number, vault: TokenVault | undefined, dryRun = false) {
    this.#key = key;
    this.#hashLength = hashLength;
    this.#vault = vault;
    this.#dryRun = dryRun;
  }

  #marker(type: string): string {
    let marker = this.#markers.get(type);
    if (marker === undefined) {
      marker = `[REDACTED:${labelOf(type)}]`;
      if (this.#markers.size < 1000) this.#markers.set(type, marker);
    }
    return marker;
  }

  /**
   * Applies `action` to one value: the replacement, or undefined to leave the value as it is. The action actually
   * taken is left in {@link ActionApplier.action} (`tokenize` falls back to `redact` when the vault is full).
   */
  apply(type: string, raw: string, action: FilterAction, original: TokenValue): string | undefined {
    this.action = action;
    if (this.#dryRun) return undefined;
    switch (action) {
      case "keep":
        return undefined;
      case "redact":
        return this.#marker(type);
      case "mask":
        return mask(type, raw);
      case "hash": {
        const digest = bytesToHex(hmac(sha256, this.#key, utf8ToBytes(raw))).slice(0, this.#hashLength);
        return `[HASH:${labelOf(type)}:${digest}]`;
      }
      case "tokenize": {
        const placeholder = this.#vault?.issue(type, original);
        if (placeholder === undefined) {
          this.vaultFull = true;
          this.action = "redact";
          return this.#marker(type);
        }
        return placeholder;
      }
    }
  }
}

function stars(count: number): string {
  return "*".repeat(Math.max(0, count));
}

/** Replaces every character matching `keep` that is not among the last `visible` of them by `*`. */
function maskTail(value: string, visible: number, isMasked: (code: number) => boolean): string {
  let total = 0;
  for (let i = 0; i < value.length; i++) if (isMasked(value.charCodeAt(i))) total++;
  let seen = 0;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (isMasked(code)) {
      seen++;
      out += seen > total - visible ? value[i] : "*";
    } else {
      out += value[i];
    }
  }
  return out;
}

const isDigit = (code: number) => code >= 48 && code <= 57;
const isAlnum = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/** A mask that keeps what is commonly shown (last 4 card digits, e-mail domain, key prefix) and never the length. */
export function mask(type: string, raw: string): string {
  switch (type) {
    case "email": {
      const at = raw.lastIndexOf("@");
      if (at <= 0) return "********";
      return `${raw[0]}***@${raw.slice(at + 1)}`;
    }
    case "credit_card":
      return maskTail(raw, 4, isDigit);
    case "phone":
      return maskTail(raw, 2, isDigit);
    case "us_ssn":
    case "uk_nino":
    case "bank_account":
    case "national_id":
      return raw.length >= 8 ? maskTail(raw, 4, isAlnum) : "********";
    case "iban":
      return raw.length >= 8 ? raw.slice(0, 2) + maskTail(raw.slice(2), 4, isAlnum) : "********";
    case "ipv4": {
      const parts = raw.split(".");
      return parts.length === 4 ? `${parts[0]}.${parts[1]}.*.*` : "********";
    }
    case "ipv6":
    case "ip_address": {
      if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(raw)) return mask("ipv4", raw);
      const parts = raw.split(":");
      return parts.length >= 3 ? `${parts[0]}:${parts[1]}:****` : "********";
    }
    case "private_key":
    case "openssh_private_key":
    case "pgp_private_key": {
      const header = /^-----BEGIN [A-Z0-9 ]+-----/.exec(raw);
      const footer = /-----END [A-Z0-9 ]+-----$/.exec(raw);
      return header !== null && footer !== null ? `${header[0]}****${footer[0]}` : "********";
    }
    case "database_url":
    case "url_credentials": {
      const colon = raw.indexOf(":");
      return colon > 0 ? `${raw[0]}***:****` : "****";
    }
    case "slack_webhook_url":
    case "discord_webhook_url": {
      const path = /^(https?:\/\/[^/]+\/[^/]+\/)/.exec(raw);
      return path !== null ? `${path[1]}****` : "********";
    }
    default: {
      // Provider keys keep their public prefix (`ghp_`, `sk_live_`, `AKIA`) so a reader knows what leaked.
      const prefix =
        /^(?:[A-Za-z0-9]{2,10}[_-](?:(?:live|test|v1|proj|ant|api\d\d)[_-])?|AKIA|ASIA|AIza|eyJ|SG\.|ya29\.)/.exec(raw);
      if (prefix !== null && raw.length >= 20) return `${prefix[0]}${stars(8)}`;
      return stars(8);
    }
  }
}
