import i18n from './i18n';
import { ApiError, getAccessToken, type Schemas } from './api/client';

/**
 * The types and size the API accepts for proposal attachments, mirrored for a quick answer before
 * uploading (libs/proposals/src/attachment-types.ts and ATTACHMENT_MAX_BYTES' default). The API
 * stays the authority: it sniffs the bytes, and its refusal is shown as it comes.
 */
export const ALLOWED_EXTENSIONS = ['pdf', 'docx', 'xlsx', 'zip', 'png', 'jpg', 'jpeg'];
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** Why the file cannot be sent, in the chosen language; null when it may be uploaded. */
export function attachmentProblem(file: File): string | null {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  if (!ALLOWED_EXTENSIONS.includes(extension)) return i18n.t('propose.fileType', { name: file.name });
  if (file.size > MAX_ATTACHMENT_BYTES) return i18n.t('propose.fileSize', { name: file.name, max: '20 MB' });
  if (file.size === 0) return i18n.t('propose.fileEmpty', { name: file.name });
  return null;
}

/** Uploads one proposal attachment with progress. */
export function uploadAttachment(
  problemId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Schemas['AttachmentView']> {
  return uploadFile(`/api/v1/problems/${encodeURIComponent(problemId)}/attachments`, file, onProgress);
}

/** Uploads one document to a draft problem with progress (the department's officers). */
export function uploadProblemDocument(
  problemId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Schemas['ProblemDocumentView']> {
  return uploadFile(`/api/v1/problems/${encodeURIComponent(problemId)}/documents`, file, onProgress);
}

/** Uploads one file of evidence to the firm's own pending complaint, with progress. */
export function uploadComplaintAttachment(
  complaintId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Schemas['ComplaintAttachmentView']> {
  return uploadFile(`/api/v1/complaints/${encodeURIComponent(complaintId)}/attachments`, file, onProgress);
}

/**
 * Sends one file as multipart/form-data with progress (fetch cannot report upload progress, so
 * XMLHttpRequest); the answer is typed by the caller from the generated schema.
 */
function uploadFile<T>(url: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    const token = getAccessToken();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept-Language', i18n.language);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: handled below
      }
      if (xhr.status === 201) return resolve(body as T);
      const error = (body ?? {}) as Partial<Schemas['ErrorBody']>;
      reject(new ApiError(xhr.status, error.code ?? 'UNKNOWN', error.message ?? i18n.t('errors.unknown')));
    };
    xhr.onerror = () => reject(new Error('network'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** Hands downloaded bytes to the browser as a file with its name (a download made with the session's token). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Uploads one file to the deliverable the firm is preparing for a milestone, with progress. */
export function uploadDeliverableFile(
  orderId: string,
  milestoneId: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Schemas['DeliverableFileView']> {
  return uploadFile(
    `/api/v1/orders/${encodeURIComponent(orderId)}/milestones/${encodeURIComponent(milestoneId)}/files`,
    file,
    onProgress,
  );
}
