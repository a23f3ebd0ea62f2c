// Live feedback on a new password, mirroring the server's policy (crates/model/src/password.rs):
//   - at least 10 characters (Unicode scalar values), at most 256;
//   - must not contain the username or the e-mail's local part (case-insensitive, when ≥ 3 characters);
//   - must not be a common password, nor too easy to guess (the server uses zxcvbn: a warning about a
//     common password, or a score below 2, rejects it).
// The first two are exact. The last is approximated here with a short list of the most common
// passwords and the patterns zxcvbn punishes hardest (repeats, sequences, keyboard rows, years); the
// server remains the judge and its field error is shown next to the field when it disagrees.
// Username and e-mail rules mirror crates/model/src/account.rs.

export const MIN_PASSWORD_CHARS = 10;
export const MAX_PASSWORD_CHARS = 256;

export type RuleId = 'length' | 'max_length' | 'identity' | 'common' | 'variety';

export interface RuleResult {
  id: RuleId;
  ok: boolean;
  message: string;
  /** Exact mirrors of the server's rules block submitting; the guessability estimates only advise. */
  blocking: boolean;
}

export interface PasswordFeedback {
  rules: RuleResult[];
  /** Every blocking rule passes (the server may still reject a guessable password). */
  ok: boolean;
  /** Every rule, advisory ones included, passes. */
  allOk: boolean;
  /** 0–4, a rough strength for a meter. */
  strength: number;
}

const COMMON = new Set(
  `123456 123456789 12345678 password qwerty 1234567890 1234567 12345 111111 123123 abc123 password1
  iloveyou 000000 qwerty123 1q2w3e4r 1qaz2wsx qwertyuiop 654321 555555 666666 7777777 987654321
  123321 dragon monkey letmein football baseball welcome admin administrator login master sunshine
  princess passw0rd p@ssw0rd p@ssword password123 password12 password1234 trustno1 starwars shadow
  superman batman michael jordan23 charlie donald freedom whatever hello123 iloveyou1 qazwsxedc
  zaq12wsx asdfghjkl asdfasdf zxcvbnm zxcvbnm123 changeme secret123 computer internet samsung
  football1 baseball1 liverpool chelsea arsenal pokemon naruto killer hunter2 ninja mustang
  access flower hottie lovely loveme jesus christ blessed cookie summer winter spring autumn
  1111111111 0000000000 1234512345 a1b2c3d4e5 aa123456 qwe123 q1w2e3r4t5 q1w2e3r4t5y6 1q2w3e4r5t
  123qwe 123abc abcdef abcdefg abcdefgh abcdefghij 11111111 88888888 12341234 123456a 123456789a
  passwort motdepasse contraseña senha wachtwoord salasana`
    .split(/\s+/)
    .filter(Boolean),
);

const KEYBOARD_ROWS = ['`1234567890-=', 'qwertyuiop[]\\', "asdfghjkl;'", 'zxcvbnm,./', 'qwertzuiopü', 'azertyuiop'];
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '01234567890';

function chars(s: string): string[] {
  return [...s];
}

/** Undo the usual l33t substitutions, as zxcvbn does. */
export function unleet(s: string): string {
  const map: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'i', '+': 't' };
  return chars(s.toLowerCase())
    .map((c) => map[c] ?? c)
    .join('');
}

function isSequence(s: string): boolean {
  if (s.length < 4) return false;
  for (const seq of [ALPHABET, DIGITS, ...KEYBOARD_ROWS]) {
    const rev = chars(seq).reverse().join('');
    if (seq.includes(s) || rev.includes(s)) return true;
  }
  return false;
}

/** Whether the password is (nearly) only patterns zxcvbn finds trivially guessable. */
export function looksCommon(password: string): boolean {
  const lower = password.toLowerCase();
  const stripped = lower.replace(/[\d!@#$%^&*._\-?]+$/, '').replace(/^[\d]+/, '');
  const candidates = [lower, stripped, unleet(lower), unleet(stripped), chars(lower).reverse().join('')];
  if (candidates.some((c) => c.length > 0 && COMMON.has(c))) return true;
  // A common word with digits or symbols around it (password2024!, 2024dragon).
  if (stripped.length >= 4 && (COMMON.has(stripped) || COMMON.has(unleet(stripped)))) return true;
  // One character repeated, or a short chunk repeated (abcabcabcabc).
  if (/^(.)\1+$/u.test(lower)) return true;
  const m = /^(.{1,4})\1+$/u.exec(lower);
  if (m) return true;
  // Straight sequences and keyboard rows (1234567890, qwertyuiop, abcdefghij).
  if (isSequence(lower)) return true;
  // Only digits, up to 12 of them (dates, phone-like numbers).
  if (/^\d{0,12}$/.test(lower)) return true;
  return false;
}

/** A rough 0–4 score: length and character classes, capped by the common check. */
export function roughStrength(password: string): number {
  const n = chars(password).length;
  if (n === 0) return 0;
  if (looksCommon(password)) return 0;
  let classes = 0;
  if (/[a-z]/.test(password)) classes++;
  if (/[A-Z]/.test(password)) classes++;
  if (/\d/.test(password)) classes++;
  if (/[^A-Za-z0-9]/.test(password)) classes++;
  const words = password.trim().split(/\s+/).filter(Boolean).length;
  let score = 0;
  if (n >= MIN_PASSWORD_CHARS) score++;
  if (n >= 14 || (n >= 10 && classes >= 3)) score++;
  if (n >= 18 || words >= 3 || (n >= 12 && classes >= 3)) score++;
  if (n >= 24 || (words >= 4 && n >= 20) || (n >= 16 && classes >= 4)) score++;
  return Math.min(4, score);
}

/** Feedback for `password` as the new password of `username` / `email` (either may be empty). */
export function checkPassword(password: string, username = '', email = ''): PasswordFeedback {
  const n = chars(password).length;
  const lowered = password.toLowerCase();
  const localPart = email.trim().toLowerCase().split('@')[0] ?? '';
  const identities = [username.trim().toLowerCase(), localPart].filter((id) => chars(id).length >= 3);
  const containsIdentity = identities.some((id) => lowered.includes(id));
  const common = n > 0 && looksCommon(password);
  const strength = roughStrength(password);
  const rules: RuleResult[] = [
    {
      id: 'length',
      ok: n >= MIN_PASSWORD_CHARS,
      message: $localize`:@@password.rule.length:At least ${MIN_PASSWORD_CHARS}:min: characters (${n}:count: so far)`,
      blocking: true,
    },
    { id: 'identity', ok: n > 0 && !containsIdentity, message: $localize`:@@password.rule.identity:Does not contain your username or e-mail address`, blocking: true },
    { id: 'common', ok: n > 0 && !common, message: $localize`:@@password.rule.common:Not a common or easily guessed password`, blocking: false },
  ];
  if (n > MAX_PASSWORD_CHARS) {
    rules.push({ id: 'max_length', ok: false, message: $localize`:@@password.rule.maxLength:At most ${MAX_PASSWORD_CHARS}:max: characters`, blocking: true });
  }
  if (rules.every((r) => r.ok) && strength < 2) {
    rules.push({ id: 'variety', ok: false, message: $localize`:@@password.rule.variety:Longer, or with more words or kinds of characters`, blocking: false });
  }
  return {
    rules,
    ok: rules.every((r) => r.ok || !r.blocking),
    allOk: rules.every((r) => r.ok),
    strength,
  };
}

/** The server's username rule: 3–32 characters, ASCII letters, digits, `_ - .`, starting with a letter or digit. */
export function usernameError(raw: string): string | null {
  const s = raw.trim();
  if (s.length < 3 || s.length > 32) return $localize`:@@username.length:Username must be 3 to 32 characters long`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s)) {
    return $localize`:@@username.characters:Username may contain letters, digits, '_', '-' and '.', and must start with a letter or digit`;
  }
  return null;
}

/** The server's e-mail rule (a local part, an @, a dotted domain; no spaces). */
export function emailError(raw: string): string | null {
  const s = raw.trim().toLowerCase();
  const bad = $localize`:@@email.invalid:Enter an e-mail address like ana@example.org`;
  if (!s || s.length > 254 || /[\s\p{Cc}]/u.test(s)) return bad;
  const at = s.indexOf('@');
  if (at <= 0) return bad;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || domain.includes('@') || !domain.includes('.')) return bad;
  if (domain.split('.').some((label) => label.length === 0 || label.length > 63)) return bad;
  return null;
}
