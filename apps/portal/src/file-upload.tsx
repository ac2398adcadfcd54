import { useState } from 'react';
import { ErrorMessage } from './components';
import { attachmentProblem } from './upload';

/**
 * One file input for the files kept next to a record (a draft's documents, a deliverable's files):
 * the quick check of type and size before sending, in words; the upload with its progress; the
 * API's refusal as it comes. `upload` sends one file; `onUploaded` refreshes what lists them.
 */
export function FileUpload({
  id,
  label,
  hint,
  uploadingLabel,
  upload,
  onUploaded,
}: {
  id: string;
  label: string;
  hint?: string;
  uploadingLabel: string;
  upload: (file: File, onProgress: (fraction: number) => void) => Promise<unknown>;
  onUploaded: () => Promise<unknown>;
}) {
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [refusal, setRefusal] = useState<string | null>(null);

  const add = async (file: File) => {
    setError(null);
    const problem = attachmentProblem(file);
    setRefusal(problem);
    if (problem) return;
    setProgress(0);
    try {
      await upload(file, setProgress);
      await onUploaded();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  };

  return (
    <>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        {hint && (
          <p className="muted" id={`${id}-hint`}>
            {hint}
          </p>
        )}
        <input
          id={id}
          type="file"
          aria-describedby={hint ? `${id}-hint` : undefined}
          accept=".pdf,.docx,.xlsx,.zip,.png,.jpg,.jpeg"
          disabled={progress !== null}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void add(file);
          }}
        />
      </div>
      {progress !== null && <progress value={progress} max={1} aria-label={uploadingLabel} />}
      {refusal && (
        <p className="error" role="alert">
          {refusal}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </>
  );
}
