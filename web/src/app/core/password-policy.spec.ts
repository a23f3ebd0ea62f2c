import { checkPassword, emailError, looksCommon, usernameError } from './password-policy';

const rule = (pw: string, id: string, user = 'ana_runner', email = 'ana.lopez@example.org') =>
  checkPassword(pw, user, email).rules.find((r) => r.id === id);

describe('password policy feedback', () => {
  it('accepts what the server accepts', () => {
    for (const pw of ['granite kettle orbit', 'T9#vq!2mPz&w', 'correct horse battery staple']) {
      const f = checkPassword(pw, 'ana_runner', 'ana.lopez@example.org');
      expect(f.ok, pw).toBe(true);
      expect(f.allOk, pw).toBe(true);
    }
  });

  it('counts characters, not UTF-16 units, for the 10-character minimum', () => {
    expect(rule('x7#Qp!2m', 'length')?.ok).toBe(false);
    expect(rule('x7#Qp!2mZk', 'length')?.ok).toBe(true);
    expect(rule('🏃🏃🏃🏃🏃🏃🏃🏃🏃', 'length')?.ok).toBe(false);
    expect(checkPassword('x7#Qp!2m').ok).toBe(false);
  });

  it('rejects more than 256 characters', () => {
    const f = checkPassword('correct horse '.repeat(30));
    expect(f.ok).toBe(false);
    expect(f.rules.find((r) => r.id === 'max_length')?.ok).toBe(false);
  });

  it('rejects the username or the e-mail local part, case-insensitively', () => {
    expect(rule('ANA_RUNNER-2026!', 'identity')?.ok).toBe(false);
    expect(rule('my ana.lopez secret', 'identity')?.ok).toBe(false);
    expect(checkPassword('my ana.lopez secret', 'ana_runner', 'ana.lopez@example.org').ok).toBe(false);
    // identities shorter than 3 characters are not checked
    expect(rule('xy granite kettle', 'identity', 'xy', 'xy@example.org')?.ok).toBe(true);
  });

  it('flags common and trivially guessable passwords (advisory)', () => {
    for (const pw of ['password123', 'qwertyuiop', '1234567890', 'iloveyou123', 'P@ssw0rd123', 'aaaaaaaaaaaa', 'abcabcabcabc']) {
      expect(looksCommon(pw), pw).toBe(true);
      const f = checkPassword(pw, 'ana_runner', 'ana.lopez@example.org');
      expect(f.allOk, pw).toBe(false);
    }
    expect(looksCommon('granite kettle orbit')).toBe(false);
    expect(rule('password123', 'common')?.blocking).toBe(false);
  });

  it('gives a rising strength', () => {
    expect(checkPassword('').strength).toBe(0);
    expect(checkPassword('password123').strength).toBe(0);
    expect(checkPassword('granite kettle orbit').strength).toBeGreaterThanOrEqual(2);
  });

  it('mirrors the username and e-mail rules', () => {
    expect(usernameError('ana')).toBeNull();
    expect(usernameError('a.b-c_d9')).toBeNull();
    expect(usernameError('ab')).not.toBeNull();
    expect(usernameError('_ana')).not.toBeNull();
    expect(usernameError('ana lima')).not.toBeNull();
    expect(usernameError('x'.repeat(33))).not.toBeNull();
    expect(emailError('ana@example.org')).toBeNull();
    expect(emailError('ana@localhost')).not.toBeNull();
    expect(emailError('ana example.org')).not.toBeNull();
    expect(emailError('@example.org')).not.toBeNull();
    expect(emailError('ana@example..org')).not.toBeNull();
  });
});
