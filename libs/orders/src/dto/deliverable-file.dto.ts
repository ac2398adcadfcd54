/**
 * A file the firm attached to a milestone's deliverable. Seen by the order's parties only (the
 * department, the firm, the admins), never by the public: deliverables may carry personal data.
 */
export class DeliverableFileView {
  id: string;
  fileName: string;
  /** Decided by the bytes, never by the name (PDF, DOCX, XLSX, ZIP, PNG, JPEG). */
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
  /** The round it was submitted with; null while the firm is still preparing the next round. */
  round: number | null;
}

export class DeliverableFileList {
  items: DeliverableFileView[];
}
