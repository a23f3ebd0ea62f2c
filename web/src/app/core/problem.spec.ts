import { ApiError, fieldMessages, parseBodyText, problemOf, toProblem } from './problem';

describe('problem+json', () => {
  const body = {
    type: 'urn:wearhouse:problem:validation_failed',
    title: 'Unprocessable Entity',
    status: 422,
    code: 'validation_failed',
    detail: "password: password must be at least 10 characters long; time_zone: 'Europe/Berln' is not a known time zone",
    errors: [
      { field: 'password', code: 'password_too_short', detail: 'password must be at least 10 characters long' },
      { field: 'time_zone', code: 'invalid_time_zone', detail: "'Europe/Berln' is not a known time zone" },
      { field: 'samples[3].unit', code: 'bad_unit', detail: 'unknown unit' },
    ],
  };

  it('parses a problem with field errors', () => {
    const p = toProblem(422, body);
    expect(p.status).toBe(422);
    expect(p.code).toBe('validation_failed');
    expect(p.detail).toContain('at least 10 characters');
    expect(p.fieldErrors['password']).toEqual(['password must be at least 10 characters long']);
    expect(fieldMessages(p, 'time_zone')).toEqual(["'Europe/Berln' is not a known time zone"]);
    expect(fieldMessages(p, 'samples')).toEqual(['unknown unit']);
    expect(fieldMessages(p, 'email')).toEqual([]);
    expect(fieldMessages(null, 'email')).toEqual([]);
  });

  it('reads the MFA codes the login answers with', () => {
    const p = toProblem(401, { type: 'urn:wearhouse:problem:mfa_required', title: 'Unauthorized', status: 401, code: 'mfa_required', detail: 'a second factor is required' });
    expect(p.code).toBe('mfa_required');
    expect(new ApiError(p).code).toBe('mfa_required');
  });

  it('always has a detail, whatever the body', () => {
    expect(toProblem(502, undefined).detail).toMatch(/server/i);
    expect(toProblem(502, parseBodyText('<html>Bad gateway</html>')).detail).toMatch(/502/);
    expect(toProblem(0, undefined).code).toBe('network_error');
    expect(toProblem(404, { detail: '' }).detail).toBe('Not found.');
    expect(toProblem(418, 'teapot').detail).toBe('The request failed (418).');
  });

  it('keeps Retry-After', () => {
    expect(toProblem(429, { code: 'rate_limited', detail: 'slow down' }, '10').retryAfter).toBe(10);
    expect(toProblem(429, {}, null).retryAfter).toBeUndefined();
  });

  it('turns anything thrown into a problem', () => {
    expect(problemOf(new ApiError(toProblem(409, { code: 'username_taken', detail: 'taken' }))).code).toBe('username_taken');
    expect(problemOf(new TypeError('Failed to fetch')).code).toBe('network_error');
    expect(problemOf(new Error('boom')).detail).toBe('boom');
    expect(problemOf('weird').detail).toBe('Something went wrong.');
  });
});
