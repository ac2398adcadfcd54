import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, Loading, PageTitle, QueryView } from '../components';
import { formatDateTime } from '../format';
import { RequireSignIn } from '../RequireSignIn';
import { attachmentProblem, uploadAttachment } from '../upload';

type Fields = {
  approach: string;
  solution: string;
  plan: string;
  team: string;
  price: string;
  durationMonths: string;
  references: string;
};
type Uploaded = { id: string; fileName: string; sizeBytes: number };
type Upload = { name: string; progress: number; error?: string };
const TEXT_MAX = 50_000; // the API's limit per text field

/** Submit (problem id in the URL) or revise (proposal id in the URL): the same form serves both. */
function Form({ problemId, existing }: { problemId: string; existing?: Schemas['OwnProposalView'] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const problem = useQuery({
    queryKey: ['problem', problemId],
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}', { params: { path: { id: problemId } } })),
  });
  const [attachments, setAttachments] = useState<Uploaded[]>([]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const c = existing?.content;
  const { register, handleSubmit, formState } = useForm<Fields>({
    defaultValues: c
      ? {
          approach: c.approach,
          solution: c.solution,
          plan: c.plan,
          team: c.team,
          price: String(c.price),
          durationMonths: String(c.durationMonths),
          references: c.references.map((r) => (typeof r === 'string' ? r : `${r.title} ${r.url}`)).join('\n'),
        }
      : undefined,
  });
  const errors = formState.errors;

  const submit = useMutation({
    mutationFn: async (v: Fields) => {
      const body = {
        approach: v.approach.trim(),
        solution: v.solution.trim(),
        plan: v.plan.trim(),
        team: v.team.trim(),
        price: Number(v.price),
        durationMonths: Number(v.durationMonths),
        references: v.references
          .split('\n')
          .map((r) => r.trim())
          .filter(Boolean),
        attachmentIds: [...(existing?.content.attachments.map((a) => a.id) ?? []), ...attachments.map((a) => a.id)],
      };
      return existing
        ? unwrap(await api.PUT('/api/v1/proposals/{id}', { params: { path: { id: existing.id } }, body }))
        : unwrap(await api.POST('/api/v1/problems/{id}/proposals', { params: { path: { id: problemId } }, body }));
    },
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['proposal'] });
      await navigate(`/proposals/${result.id}`);
    },
  });

  async function onFiles(files: FileList | null) {
    let next = uploads.length;
    for (const file of Array.from(files ?? [])) {
      const problemText = attachmentProblem(file);
      const index = next++;
      if (problemText) {
        setUploads((u) => [...u, { name: file.name, progress: 0, error: problemText }]);
        continue;
      }
      setUploads((u) => [...u, { name: file.name, progress: 0 }]);
      const update = (patch: Partial<Upload>) => setUploads((u) => u.map((x, i) => (i === index ? { ...x, ...patch } : x)));
      try {
        const view = await uploadAttachment(problemId, file, (progress) => update({ progress }));
        update({ progress: 1 });
        setAttachments((a) => [...a, { id: view.id, fileName: view.fileName, sizeBytes: view.sizeBytes }]);
      } catch (err) {
        update({ error: err instanceof Error && err.message !== 'network' ? err.message : t('errors.network') });
      }
    }
  }

  const text = (name: 'approach' | 'solution' | 'plan' | 'team') => (
    <div className="field">
      <label htmlFor={name}>{t(`proposal.fields.${name}`)}</label>
      <textarea
        id={name}
        rows={5}
        aria-invalid={!!errors[name]}
        aria-describedby={errors[name] ? `${name}-error` : undefined}
        {...register(name, { required: true, maxLength: TEXT_MAX })}
      />
      {errors[name] && (
        <span id={`${name}-error`} className="field-error">
          {t('propose.textRequired', { max: TEXT_MAX })}
        </span>
      )}
    </div>
  );

  return (
    <QueryView query={problem}>
      {(p) => (
        <div className="form-page">
          <p className="muted">
            <Link to={`/problems/${p.id}`}>{p.title}</Link> — {t('problem.deadline')}: {formatDateTime(p.deadline)}
          </p>
          <PageTitle>{existing ? t('propose.reviseTitle', { version: existing.version + 1 }) : t('propose.title')}</PageTitle>
          <p>{t('propose.sealed')}</p>
          <form onSubmit={(e) => void handleSubmit((v) => submit.mutate(v))(e)} noValidate>
            {text('approach')}
            {text('solution')}
            {text('plan')}
            {text('team')}
            <div className="field">
              <label htmlFor="price">{t('propose.price')}</label>
              <input
                id="price"
                inputMode="numeric"
                aria-invalid={!!errors.price}
                aria-describedby={errors.price ? 'price-error' : undefined}
                {...register('price', { required: true, pattern: /^[1-9]\d*$/ })}
              />
              {errors.price && (
                <span id="price-error" className="field-error">
                  {t('propose.priceInvalid')}
                </span>
              )}
            </div>
            <div className="field">
              <label htmlFor="durationMonths">{t('propose.duration')}</label>
              <input
                id="durationMonths"
                inputMode="numeric"
                aria-invalid={!!errors.durationMonths}
                aria-describedby={errors.durationMonths ? 'duration-error' : undefined}
                {...register('durationMonths', {
                  required: true,
                  validate: (v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 120,
                })}
              />
              {errors.durationMonths && (
                <span id="duration-error" className="field-error">
                  {t('propose.durationInvalid')}
                </span>
              )}
            </div>
            <div className="field">
              <label htmlFor="references">{t('propose.references')}</label>
              <textarea id="references" rows={3} {...register('references')} />
            </div>
            <div className="field">
              <label htmlFor="files">{t('propose.attachments')}</label>
              <input
                id="files"
                type="file"
                multiple
                accept=".pdf,.docx,.xlsx,.zip,.png,.jpg,.jpeg"
                aria-describedby="files-help"
                onChange={(e) => void onFiles(e.target.files)}
              />
              <span id="files-help" className="muted">
                {t('propose.attachmentsHelp')}
              </span>
            </div>
            {uploads.length > 0 && (
              <ul className="uploads" aria-live="polite">
                {uploads.map((u, i) => (
                  <li key={`${u.name}-${i}`}>
                    <span>{u.name}</span>{' '}
                    {u.error ? (
                      <span className="field-error">{u.error}</span>
                    ) : (
                      <progress max={1} value={u.progress} aria-label={t('propose.progress', { name: u.name })} />
                    )}
                  </li>
                ))}
              </ul>
            )}
            {submit.error && <ErrorMessage error={submit.error} />}
            <button type="submit" disabled={submit.isPending || uploads.some((u) => !u.error && u.progress < 1)}>
              {existing ? t('propose.revise') : t('propose.submit')}
            </button>
          </form>
        </div>
      )}
    </QueryView>
  );
}

function Revise() {
  const id = useParams().id as string;
  const proposal = useQuery({
    queryKey: ['proposal', id],
    queryFn: async () => unwrap(await api.GET('/api/v1/proposals/{id}', { params: { path: { id } } })),
  });
  if (proposal.isPending) return <Loading />;
  return <QueryView query={proposal}>{(p) => <Form problemId={p.problemId} existing={p} />}</QueryView>;
}

export function SubmitProposal() {
  const id = useParams().id as string;
  return (
    <RequireSignIn>
      <Form problemId={id} />
    </RequireSignIn>
  );
}

export function ReviseProposal() {
  return (
    <RequireSignIn>
      <Revise />
    </RequireSignIn>
  );
}
