import { ErrorCode, httpStatusOf } from './error-codes';

describe('httpStatusOf', () => {
  it('maps every code to a 4xx or 5xx status', () => {
    for (const code of Object.values(ErrorCode)) {
      const status = httpStatusOf(code);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it('keeps the statuses clients rely on', () => {
    expect(httpStatusOf(ErrorCode.VALIDATION_FAILED)).toBe(400);
    expect(httpStatusOf(ErrorCode.UNAUTHENTICATED)).toBe(401);
    expect(httpStatusOf(ErrorCode.ROLE_FORBIDDEN)).toBe(403);
    expect(httpStatusOf(ErrorCode.EMAIL_TAKEN)).toBe(409);
    expect(httpStatusOf(ErrorCode.ACCOUNT_LOCKED)).toBe(429);
  });
});
