import { acceptablePasswordOrFail, passwordWeakness } from './password-policy';

// Only the error types of @app/common: its index also loads the config module, which wants a full environment.
jest.mock('@app/common', () => ({
  ...jest.requireActual<object>('../../common/src/errors/app-error'),
  ...jest.requireActual<object>('../../common/src/errors/error-codes'),
}));

describe('password policy', () => {
  it('refuses the common passwords the issue names, in any case', () => {
    for (const p of ['password123', '12345678', 'qwerty123', 'Password1', 'PASSWORD123'])
      expect(passwordWeakness(p)).toBe('common');
  });

  it('refuses the e-mail or its name part, and the product name with or without accents', () => {
    expect(passwordWeakness('x-lan.nguyen@firm.vn-x', 'lan.nguyen@firm.vn')).toBe('contains_email');
    expect(passwordWeakness('LanNguyen!2026', 'lan.nguyen@firm.vn')).toBe('contains_email');
    expect(passwordWeakness('Hải Phòng 2026 mới')).toBe('contains_product_name');
    expect(passwordWeakness('my-MARKETPLACE-key')).toBe('contains_product_name');
  });

  it('accepts a long passphrase in any script and returns it in NFC', () => {
    const decomposed = 'Trăng rằm tháng tám 🌕'.normalize('NFD');
    expect(passwordWeakness(decomposed)).toBeNull();
    expect(acceptablePasswordOrFail(decomposed)).toBe('Trăng rằm tháng tám 🌕'.normalize('NFC'));
  });

  it('throws PASSWORD_TOO_WEAK naming the reason', () => {
    expect(() => acceptablePasswordOrFail('qwerty123')).toThrow(
      expect.objectContaining({ code: 'PASSWORD_TOO_WEAK', details: [{ field: 'password', errors: ['common'] }] }),
    );
  });
});
