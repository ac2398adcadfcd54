import { useState, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage, TextAreaField } from '../components';
import { formatDateTime, formatNumber } from '../format';
import { attachmentProblem, saveBlob, uploadComplaintAttachment } from '../upload';
import { useSession } from '../session';
import { OrderOutcome } from './Order';
import './after/texts';

type Complaint = Schemas['ComplaintView'];

/** A bidder files a complaint during the standstill, with its grounds and the files that support them. */
function FileComplaint({ problemId, onFiled }: { problemId: string; onFiled: () => void }) {
  const { t } = useTranslation();
  const [grounds, setGrounds] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<Record<string, number>>({});
  const refused = files.map(attachmentProblem).filter((p): p is string => p !== null);
  const file = useMutation({
    mutationFn: async () => {
      const complaint = unwrap(
        await api.POST('/api/v1/problems/{id}/complaints', { params: { path: { id: problemId } }, body: { grounds } }),
      );
      // The complaint stands once filed; its files follow one by one, each with its progress.
      for (const f of files) {
        await uploadComplaintAttachment(complaint.id, f, (fraction) => setProgress((p) => ({ ...p, [f.name]: fraction })));
      }
      return complaint;
    },
    onSettled: () => {
      setGrounds('');
      setFiles([]);
      onFiled();
    },
  });
  return (
    <form
      className="boxed"
      onSubmit={(e) => {
        e.preventDefault();
        file.mutate();
      }}
    >
      <h3>{t('complaints.file')}</h3>
      <p className="muted">{t('complaints.fileHelp')}</p>
      <TextAreaField
        id="complaint-grounds"
        label={t('complaints.grounds')}
        value={grounds}
        onChange={setGrounds}
        minLength={10}
        rows={5}
      />
      <div className="field">
        <label htmlFor="complaint-files">{t('complaints.files')}</label>
        <input
          id="complaint-files"
          type="file"
          multiple
          aria-describedby="complaint-files-help"
          onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
        />
        <span id="complaint-files-help" className="muted">
          {t('complaints.filesHelp')}
        </span>
      </div>
      {refused.map((p) => (
        <p key={p} className="error" role="alert">
          {p}
        </p>
      ))}
      {file.isPending && files.length > 0 && (
        <ul className="uploads">
          {files.map((f) => (
            <li key={f.name}>
              {f.name} <progress max={1} value={progress[f.name] ?? 0} aria-label={t('complaints.uploading', { name: f.name })} />
            </li>
          ))}
        </ul>
      )}
      {file.error && <ErrorMessage error={file.error} />}
      <button type="submit" disabled={file.isPending || refused.length > 0}>
        {t('complaints.send')}
      </button>
    </form>
  );
}

/** A complaint's files: downloaded with the session's token (a pending complaint is not public). */
function Attachments({ complaint }: { complaint: Complaint }) {
  const { t } = useTranslation();
  const save = useMutation({
    mutationFn: async (a: Complaint['attachments'][number]) => {
      const result = await api.GET('/api/v1/complaints/{id}/attachments/{attachmentId}', {
        params: { path: { id: complaint.id, attachmentId: a.id } },
        parseAs: 'blob',
      });
      saveBlob(unwrap(result) as unknown as Blob, a.fileName);
    },
  });
  if (complaint.attachments.length === 0) return null;
  return (
    <>
      <ul className="compact">
        {complaint.attachments.map((a) => (
          <li key={a.id}>
            <button type="button" className="secondary" onClick={() => save.mutate(a)}>
              {t('complaints.download', { name: a.fileName })}
            </button>{' '}
            <span className="muted">
              ({t('complaints.size', { size: formatNumber(Math.max(1, Math.round(a.sizeBytes / 1024))) })})
            </span>
          </li>
        ))}
      </ul>
      {save.error && <ErrorMessage error={save.error} />}
    </>
  );
}

/** The deciding department answers a pending complaint, once. */
function AnswerComplaint({ complaint, onDone }: { complaint: Complaint; onDone: () => void }) {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState('');
  const send = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/complaints/{id}/answer', { params: { path: { id: complaint.id } }, body: { answer } })),
    onSuccess: onDone,
  });
  const id = `answer-${complaint.id}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        send.mutate();
      }}
    >
      <TextAreaField id={id} label={t('complaints.yourAnswer')} value={answer} onChange={setAnswer} />
      {send.error && <ErrorMessage error={send.error} />}
      <button type="submit" disabled={send.isPending}>
        {t('complaints.sendAnswer')}
      </button>
    </form>
  );
}

function Withdraw({ complaint, onDone }: { complaint: Complaint; onDone: () => void }) {
  const { t } = useTranslation();
  const withdraw = useMutation({
    mutationFn: async () =>
      unwrap(await api.POST('/api/v1/complaints/{id}/withdraw', { params: { path: { id: complaint.id } } })),
    onSuccess: onDone,
  });
  return (
    <>
      <button type="button" className="secondary" onClick={() => withdraw.mutate()} disabled={withdraw.isPending}>
        {t('complaints.withdraw')}
      </button>
      {withdraw.error && <ErrorMessage error={withdraw.error} />}
    </>
  );
}

/** One complaint as its reader may see it: grounds, the department's answer, the decision. */
export function ComplaintItem({ complaint: c, children }: { complaint: Complaint; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <li className="card">
      <p>
        <strong>{t('complaints.filedBy', { firm: c.enterprise.name, date: formatDateTime(c.submittedAt) })}</strong> ·{' '}
        <span className="badge">{t(`complaints.statuses.${c.status}`)}</span>
      </p>
      <p className="prose">{c.grounds}</p>
      <Attachments complaint={c} />
      {c.answer && (
        <p className="prose">
          <strong>{t('complaints.answer')}:</strong> {c.answer}
        </p>
      )}
      {c.decisionReason && (
        <p className="prose">
          <strong>{t('complaints.decision')}:</strong> {c.decisionReason}
          {c.remedy && <> ({t(`complaints.remedies.${c.remedy}`)})</>}
        </p>
      )}
      {children}
    </li>
  );
}

/** The department's officers place the order once the standstill is over with no pending complaint. */
function PlaceOrder({ problemId }: { problemId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const place = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/problems/{id}/order', { params: { path: { id: problemId } } })),
    onSuccess: (order) => void navigate(`/orders/${order.id}`),
  });
  return (
    <p>
      <button type="button" onClick={() => place.mutate()} disabled={place.isPending}>
        {t('orders.place')}
      </button>
      {place.error && <ErrorMessage error={place.error} />}
    </p>
  );
}

/** On the public problem page: the standstill and its complaints, then the order's progress and outcome. */
export default function ProblemOrder({ problemId, departmentId }: { problemId: string; departmentId: string }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const path = { params: { path: { id: problemId } } };
  const standstill = useQuery({
    queryKey: ['problem', problemId, 'standstill'],
    queryFn: async () => (await api.GET('/api/v1/problems/{id}/standstill', path)).data ?? null,
  });
  const order = useQuery({
    queryKey: ['problem', problemId, 'order'],
    queryFn: async () => (await api.GET('/api/v1/problems/{id}/order', path)).data ?? null,
  });
  const complaints = useQuery({
    queryKey: ['problem', problemId, 'complaints'],
    queryFn: async () => (await api.GET('/api/v1/problems/{id}/complaints', path)).data?.items ?? [],
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['problem', problemId] });
  const s = standstill.data;
  const o = order.data;
  const list = complaints.data ?? [];
  if (!s && !o) return null;
  const isDept = user?.role === 'officer' && user.organizationId === departmentId;
  const isFirm = user?.role === 'enterprise';
  const pending = (c: Complaint) => c.status === 'submitted' || c.status === 'answered';
  return (
    <section aria-labelledby="order-heading">
      <h2 id="order-heading">{t('orders.afterAward')}</h2>
      {s && !o && (
        <p>
          {s.open
            ? t('complaints.standstillOpen', { date: formatDateTime(s.endsAt) })
            : t('complaints.standstillOver', { date: formatDateTime(s.endsAt) })}
        </p>
      )}
      {list.length > 0 && (
        <>
          <h3>{t('complaints.heading')}</h3>
          <ul className="cards">
            {list.map((c) => (
              <ComplaintItem key={c.id} complaint={c}>
                {isDept && c.status === 'submitted' && <AnswerComplaint complaint={c} onDone={refresh} />}
                {isFirm && user.organizationId === c.enterprise.id && pending(c) && <Withdraw complaint={c} onDone={refresh} />}
              </ComplaintItem>
            ))}
          </ul>
        </>
      )}
      {isFirm && s?.open && !list.some((c) => c.enterprise.id === user.organizationId && pending(c)) && (
        <FileComplaint problemId={problemId} onFiled={refresh} />
      )}
      {isDept && s?.orderMayStart && !o && <PlaceOrder problemId={problemId} />}
      {o && (
        <>
          <p>
            {t(`orders.statuses.${o.status}`)} ·{' '}
            {t('orders.accepted', {
              done: o.milestones.filter((m) => m.status === 'accepted').length,
              total: o.milestones.length,
            })}{' '}
            · <Link to={`/orders/${o.id}`}>{t('orders.open')}</Link>
          </p>
          {o.outcome && <OrderOutcome outcome={o.outcome} />}
        </>
      )}
    </section>
  );
}
