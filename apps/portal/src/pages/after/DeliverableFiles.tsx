import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { ErrorMessage } from '../../components';
import { formatNumber } from '../../format';
import { FileUpload } from '../../file-upload';
import { saveBlob, uploadDeliverableFile } from '../../upload';
import './texts';

type Order = Schemas['OrderView'];
type Milestone = Schemas['MilestoneView'];
type FileView = Schemas['DeliverableFileView'];

/** The query of a milestone's files (the firm sees the round it prepares; round null). */
export const deliverableFilesKey = (orderId: string, milestoneId: string) => ['order', orderId, 'files', milestoneId];

const sizeKb = (bytes: number) => formatNumber(Math.max(1, Math.round(bytes / 1024)), 0);

/**
 * The firm's files for the round it prepares: uploaded one by one before it submits (each checked
 * here for type and size, then by the API), removable until then; they go with the next submission.
 */
export function PreparedFiles({ order, milestone }: { order: Order; milestone: Milestone }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = deliverableFilesKey(order.id, milestone.id);
  const path = { params: { path: { id: order.id, milestoneId: milestone.id } } };
  const files = useQuery({
    queryKey: key,
    queryFn: async () => unwrap(await api.GET('/api/v1/orders/{id}/milestones/{milestoneId}/files', path)).items,
  });
  const remove = useMutation({
    mutationFn: async (fileId: string) =>
      unwrap(
        await api.DELETE('/api/v1/orders/{id}/milestones/{milestoneId}/files/{fileId}', {
          params: { path: { id: order.id, milestoneId: milestone.id, fileId } },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const preparing = (files.data ?? []).filter((f) => f.round === null);
  const id = `deliverable-file-${milestone.number}`;
  return (
    <div>
      <FileUpload
        id={id}
        label={t('orders.files.add')}
        hint={t('orders.files.hint')}
        uploadingLabel={t('orders.files.uploading')}
        upload={(file, onProgress) => uploadDeliverableFile(order.id, milestone.id, file, onProgress)}
        onUploaded={() => queryClient.invalidateQueries({ queryKey: key })}
      />
      {preparing.length > 0 && (
        <ul className="compact" aria-label={t('orders.files.preparing')}>
          {preparing.map((f) => (
            <li key={f.id}>
              {f.fileName} <span className="muted">({t('orders.files.size', { size: sizeKb(f.sizeBytes) })})</span>{' '}
              <button
                type="button"
                className="secondary"
                disabled={remove.isPending}
                onClick={() => remove.mutate(f.id)}
                aria-label={t('orders.files.removeNamed', { name: f.fileName })}
              >
                {t('orders.files.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {remove.error && <ErrorMessage error={remove.error} />}
    </div>
  );
}

/** A submitted round's files, each downloaded with the session's token (never public). */
export function RoundFiles({ order, milestone, files }: { order: Order; milestone: Milestone; files: FileView[] }) {
  const { t } = useTranslation();
  const save = useMutation({
    mutationFn: async (f: FileView) => {
      const result = await api.GET('/api/v1/orders/{id}/milestones/{milestoneId}/files/{fileId}', {
        params: { path: { id: order.id, milestoneId: milestone.id, fileId: f.id } },
        parseAs: 'blob',
      });
      saveBlob(unwrap(result) as unknown as Blob, f.fileName);
    },
  });
  if (files.length === 0) return null;
  return (
    <>
      <ul className="compact" aria-label={t('orders.files.ofRound')}>
        {files.map((f) => (
          <li key={f.id}>
            <button type="button" className="secondary" onClick={() => save.mutate(f)}>
              {t('orders.files.download', { name: f.fileName })}
            </button>{' '}
            <span className="muted">({t('orders.files.size', { size: sizeKb(f.sizeBytes) })})</span>
          </li>
        ))}
      </ul>
      {save.error && <ErrorMessage error={save.error} />}
    </>
  );
}

/** A milestone's rounds (the parties), refetched when its status or number of rounds changes. */
export function useSubmissions(order: Order, milestone: Milestone) {
  return useQuery({
    queryKey: ['order', order.id, 'submissions', milestone.id, milestone.rounds, milestone.status],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/orders/{id}/milestones/{milestoneId}/submissions', {
          params: { path: { id: order.id, milestoneId: milestone.id } },
        }),
      ).items,
  });
}

/** The round the department is reviewing: its files, with download buttons. */
export function ReviewedRoundFiles({ order, milestone }: { order: Order; milestone: Milestone }) {
  const { t } = useTranslation();
  const rounds = useSubmissions(order, milestone);
  const latest = rounds.data?.at(-1);
  if (!latest) return null;
  return (
    <div>
      <p>{t('orders.files.reviewed', { round: latest.round, count: latest.files.length })}</p>
      <RoundFiles order={order} milestone={milestone} files={latest.files} />
    </div>
  );
}
