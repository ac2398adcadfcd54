import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import i18n from '../../i18n';
import staffEn from '../../locales/staff.en.json';
import staffVi from '../../locales/staff.vi.json';
import './staff.css';
import { ErrorMessage, QueryView } from '../../components';
import { formatMoney } from '../../format';
import { RequireSignIn } from '../../RequireSignIn';
import { useSession } from '../../session';
import { saveBlob } from '../../upload';

// The staff pages' texts travel with their chunk: a public page's first load never carries them.
i18n.addResourceBundle('vi', 'translation', staffVi, true, false);
i18n.addResourceBundle('en', 'translation', staffEn, true, false);

export type StaffRole = 'officer' | 'evaluator' | 'admin';

/** A staff page: signed in, and in one of the roles the page serves (the API refuses the rest anyway). */
export function RequireRole({ roles, children }: { roles: StaffRole[]; children: ReactNode }) {
  return (
    <RequireSignIn>
      <RoleGate roles={roles}>{children}</RoleGate>
    </RequireSignIn>
  );
}

function RoleGate({ roles, children }: { roles: StaffRole[]; children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  if (!user || !roles.includes(user.role as StaffRole)) {
    return (
      <div className="narrow">
        <h1>{t('staff.forbidden')}</h1>
        <p>{t('staff.forbiddenText')}</p>
      </div>
    );
  }
  return <div className="staff">{children}</div>;
}

const CITY_OFFSET = '+07:00';

/** An instant as the value of a datetime-local input, in Hai Phong time (UTC+7, no summer time). */
export function toCityInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const city = new Date(new Date(iso).getTime() + 7 * 3600_000);
  return city.toISOString().slice(0, 16);
}

/** A datetime-local value read as Hai Phong time, as an ISO instant for the API. */
export function fromCityInput(value: string): string {
  return new Date(`${value}:00${CITY_OFFSET}`).toISOString();
}

/** The problem as the signed-in staff member may read it (drafts for the department). */
export function useProblem(id: string) {
  return useQuery({
    queryKey: ['problem', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}', { params: { path: { id } } })),
  });
}

type AttachmentMeta = { id: string; fileName: string; mediaType: string; sizeBytes: number };

/** Downloads an attachment with the session's token and hands it to the browser as a file. */
async function download(proposalId: string, file: AttachmentMeta): Promise<void> {
  const result = await api.GET('/api/v1/proposals/{id}/attachments/{attachmentId}', {
    params: { path: { id: proposalId, attachmentId: file.id } },
    parseAs: 'blob',
  });
  saveBlob(unwrap(result) as unknown as Blob, file.fileName);
}

/** An opened proposal as the department or a panel member reads it: the texts, price and attachments. */
export function ProposalBody({ proposalId }: { proposalId: string }) {
  const { t } = useTranslation();
  const proposal = useQuery({
    queryKey: ['proposal', proposalId],
    queryFn: async () => unwrap(await api.GET('/api/v1/proposals/{id}', { params: { path: { id: proposalId } } })),
  });
  return (
    <QueryView query={proposal}>
      {(p) => (
        <div className="proposal-body">
          <dl className="facts">
            <div>
              <dt>{t('proposal.price')}</dt>
              <dd>{formatMoney(p.content.price)}</dd>
            </div>
            <div>
              <dt>{t('problem.duration')}</dt>
              <dd>{t('problem.months', { count: p.content.durationMonths })}</dd>
            </div>
            <div>
              <dt>{t('proposal.version')}</dt>
              <dd>{p.version}</dd>
            </div>
          </dl>
          {(['approach', 'solution', 'plan', 'team'] as const).map((k) => (
            <div key={k}>
              <h4>{t(`proposal.fields.${k}`)}</h4>
              <p className="prose">{p.content[k]}</p>
            </div>
          ))}
          <h4>{t('staff.attachments')}</h4>
          {(p.attachments as unknown as AttachmentMeta[]).length === 0 ? (
            <p className="muted">{t('staff.noAttachments')}</p>
          ) : (
            <ul>
              {(p.attachments as unknown as AttachmentMeta[]).map((a) => (
                <li key={a.id}>
                  <DownloadButton proposalId={p.id} file={a} />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </QueryView>
  );
}

function DownloadButton({ proposalId, file }: { proposalId: string; file: AttachmentMeta }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <button type="button" className="link-button" onClick={() => void download(proposalId, file).catch(setError)}>
        {t('staff.download', { name: file.fileName, size: Math.max(1, Math.round(file.sizeBytes / 1024)) })}
      </button>
      {error !== null && <ErrorMessage error={error} />}
    </>
  );
}

/** The competition rules in force (minimum open period, amendment rule, panel size, disagreement threshold). */
export function useRules() {
  return useQuery({
    queryKey: ['competition-rules'],
    staleTime: Infinity,
    queryFn: async () => unwrap(await api.GET('/api/v1/competition-rules')),
  });
}
