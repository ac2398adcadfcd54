import { Language, translate } from '@app/common';

export interface MailContent {
  lang: Language;
  /** The reader's name, for the greeting. */
  name: string;
  /** The message itself, one paragraph each (already in the reader's language). */
  paragraphs: string[];
  /** What the reader should do next: a button (HTML) and a line with the address (text). */
  action?: { label: string; url: string };
  /** The city department the mail is about, when there is one. */
  department?: string | null;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Every e-mail's one layout, as plain text and as HTML: greeting, message, the action to take,
 * the department, and the portal's name and sign-off. All wording comes from the `mail` texts.
 */
export function renderMail(content: MailContent): { text: string; html: string } {
  const t = (key: string, params?: Record<string, string>) => translate(content.lang, `mail.${key}`, params);
  const portal = t('portalName');
  const greeting = t('greeting', { name: content.name });
  const department = content.department ? t('department', { department: content.department }) : null;
  const text = [
    greeting,
    '',
    ...content.paragraphs.flatMap((p) => [p, '']),
    ...(content.action ? [`${content.action.label}: ${content.action.url}`, ''] : []),
    ...(department ? [department] : []),
    '—',
    portal,
    t('automatic'),
  ].join('\n');
  const paragraph = (p: string) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`;
  const html = `<!doctype html>
<html lang="${content.lang}">
<head><meta charset="utf-8"><title>${escapeHtml(portal)}</title></head>
<body style="margin:0;padding:0;background:#f4f6f8;font-family:Arial,Helvetica,sans-serif;color:#1f2933">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:6px">
<tr><td style="background:#a61b1b;color:#ffffff;padding:16px 24px;font-size:18px;font-weight:bold">${escapeHtml(portal)}</td></tr>
<tr><td style="padding:24px;font-size:15px;line-height:1.5">
${paragraph(greeting)}
${content.paragraphs.map(paragraph).join('\n')}
${
  content.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="background:#a61b1b;color:#ffffff;padding:10px 18px;border-radius:4px;text-decoration:none;font-weight:bold">${escapeHtml(content.action.label)}</a></p>
<p style="margin:0 0 12px;font-size:13px;color:#52606d">${escapeHtml(content.action.url)}</p>`
    : ''
}
${department ? paragraph(department) : ''}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e4e7eb;font-size:12px;color:#52606d">${escapeHtml(portal)}<br>${escapeHtml(t('automatic'))}</td></tr>
</table></td></tr></table>
</body>
</html>
`;
  return { text, html };
}
