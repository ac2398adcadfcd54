import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { ErrorMessage } from '../../components';
import { formatNumber } from '../../format';
import { attachmentProblem, uploadProblemDocument } from '../../upload';

/**
 * The documents published with a draft (terms of reference, data samples, maps): added and removed
 * only while it is a draft; once published they are frozen and public (changes go by amendment).
 */
export function DraftDocuments({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = ['problem-documents', problemId];
  const documents = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/api/v1/problems/{id}/documents', { params: { path: { id: problemId } } })),
  });
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The quick check before sending (type and size), in words; the API's own refusal comes as an error.
  const [refusal, setRefusal] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: async (documentId: string) =>
      unwrap(
        await api.DELETE('/api/v1/problems/{id}/documents/{documentId}', { params: { path: { id: problemId, documentId } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });

  const add = async (file: File) => {
    setError(null);
    setRefusal(attachmentProblem(file));
    if (attachmentProblem(file)) return;
    setProgress(0);
    try {
      await uploadProblemDocument(problemId, file, setProgress);
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };

  return (
    <section aria-labelledby="documents-heading" className="boxed">
      <h2 id="documents-heading">{t('staff.documents.title')}</h2>
      <p className="muted">{t('staff.documents.lead')}</p>
      {!!documents.data?.length && (
        <ul className="documents">
          {documents.data.map((d) => (
            <li key={d.id}>
              {d.fileName}{' '}
              <span className="muted">
                ({t('problem.documentSize', { size: formatNumber(Math.max(1, Math.round(d.sizeBytes / 1024)), 0) })})
              </span>{' '}
              <button
                type="button"
                className="secondary"
                disabled={remove.isPending}
                onClick={() => remove.mutate(d.id)}
                aria-label={t('staff.documents.removeNamed', { name: d.fileName })}
              >
                {t('staff.documents.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="field">
        <label htmlFor="problem-document">{t('staff.documents.add')}</label>
        <input
          id="problem-document"
          type="file"
          accept=".pdf,.docx,.xlsx,.zip,.png,.jpg,.jpeg"
          disabled={progress !== null}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void add(file);
          }}
        />
      </div>
      {progress !== null && <progress value={progress} max={1} aria-label={t('staff.documents.uploading')} />}
      {refusal && (
        <p className="error" role="alert">
          {refusal}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} />}
      {remove.error && <ErrorMessage error={remove.error} />}
    </section>
  );
}
