// RFC 6238 time-based one-time passwords (SHA-1, 30 s steps, 6 digits), with node:crypto only.
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const STEP_SECONDS = 30;

/** RFC 4648 base32, ignoring spaces, dashes, padding and case. */
export function base32Decode(text) {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error(`not a base32 character: ${JSON.stringify(ch)} in ${JSON.stringify(text)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP for `counter`. */
export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

export function totp(secret, atMs = Date.now()) {
  return hotp(base32Decode(secret), Math.floor(atMs / 1000 / STEP_SECONDS));
}

/**
 * Hands out codes the server will take: never two from the same 30 s window (it refuses a replayed
 * code), and never one about to expire. Waits for the next window when needed.
 */
export class TotpClock {
  constructor(secret, log = () => {}) {
    this.key = base32Decode(secret);
    this.lastStep = -1;
    this.log = log;
  }

  async fresh() {
    for (;;) {
      const now = Date.now();
      const step = Math.floor(now / 1000 / STEP_SECONDS);
      const left = (step + 1) * STEP_SECONDS * 1000 - now;
      if (step > this.lastStep && left > 3000) {
        this.lastStep = step;
        return hotp(this.key, step);
      }
      this.log(`waiting ${(left / 1000).toFixed(1)} s for the next TOTP window`);
      await new Promise((r) => setTimeout(r, left + 300));
    }
  }
}
