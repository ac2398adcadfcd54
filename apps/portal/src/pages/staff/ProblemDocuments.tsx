import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { ErrorMessage } from '../../components';
import { formatNumber } from '../../format';
import { FileUpload } from '../../file-upload';
import { uploadProblemDocument } from '../../upload';

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
  const remove = useMutation({
    mutationFn: async (documentId: string) =>
      unwrap(
        await api.DELETE('/api/v1/problems/{id}/documents/{documentId}', { params: { path: { id: problemId, documentId } } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });

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
      <FileUpload
        id="problem-document"
        label={t('staff.documents.add')}
        uploadingLabel={t('staff.documents.uploading')}
        upload={(file, onProgress) => uploadProblemDocument(problemId, file, onProgress)}
        onUploaded={() => queryClient.invalidateQueries({ queryKey: key })}
      />
      {remove.error && <ErrorMessage error={remove.error} />}
    </section>
  );
}
