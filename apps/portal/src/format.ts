import i18n from './i18n';

const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const locale = () => (i18n.language === 'en' ? 'en-GB' : 'vi-VN');

/** VND with Vietnamese grouping in both languages: 1.500.000.000 ₫ */
const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 });
export const formatMoney = (amount: number | null | undefined): string => (amount == null ? '—' : vnd.format(amount));

export const formatNumber = (value: number | null | undefined, digits = 0): string =>
  value == null
    ? '—'
    : new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);

/** An instant, in Hai Phong time whatever the browser's zone. */
export const formatDateTime = (iso: string | null | undefined): string =>
  iso
    ? new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))
    : '—';

/** A calendar date (YYYY-MM-DD or an instant), in Hai Phong. */
export const formatDate = (value: string | null | undefined): string => {
  if (!value) return '—';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00+07:00`) : new Date(value);
  return new Intl.DateTimeFormat(locale(), { timeZone: TIME_ZONE, dateStyle: 'medium' }).format(date);
};

/** Whole days, hours and minutes left until `deadline`, measured on the server's clock. */
export function timeLeft(deadline: string, now: number): { days: number; hours: number; minutes: number } | null {
  const ms = new Date(deadline).getTime() - now;
  if (ms <= 0) return null;
  const minutes = Math.floor(ms / 60_000);
  return { days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 };
}
