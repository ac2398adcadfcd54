import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '@app/common';
import { COMPLAINT_REMEDIES, COMPLAINT_STATUSES, type ComplaintRemedy, type ComplaintStatus } from '../complaint.constants';

export class FileComplaintDto {
  /** Why the decision is wrong, in the firm's own words (public once the complaint is decided). */
  @ApiProperty()
  @IsString()
  @MinLength(10)
  @MaxLength(10_000)
  grounds!: string;
}

export class AnswerComplaintDto {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(10_000)
  answer!: string;
}

export class DismissComplaintDto {
  @ApiProperty()
  @IsString()
  @MinLength(3)
  @MaxLength(10_000)
  reason!: string;
}

export class UpholdComplaintDto extends DismissComplaintDto {
  /** `reevaluate`: the problem goes back to evaluation; `cancel_award`: the decision and the problem are cancelled. */
  @ApiProperty({ enum: COMPLAINT_REMEDIES })
  @IsIn(COMPLAINT_REMEDIES)
  remedy!: ComplaintRemedy;
}

export class ReviewQueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COMPLAINT_STATUSES, description: 'Default: the pending ones (submitted and answered)' })
  @IsOptional()
  @IsIn(COMPLAINT_STATUSES)
  status?: ComplaintStatus;
}

export class ComplainingFirm {
  id: string;
  name: string;
}

/** A file attached to a complaint as evidence: read with the complaint, by whoever may read it. */
export class ComplaintAttachmentView {
  id: string;
  fileName: string;
  /** Decided by the bytes, never by the name (PDF, DOCX, XLSX, ZIP, PNG, JPEG). */
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedAt: string;
}

/** A complaint as anyone allowed to read it sees it: the firm, never the person who filed it. */
export class ComplaintView {
  id: string;
  problemId: string;
  problemTitle: string;
  /** The decision complained about. */
  decisionAt: string;
  enterprise: ComplainingFirm;
  @ApiProperty({ enum: COMPLAINT_STATUSES })
  status: ComplaintStatus;
  grounds: string;
  submittedAt: string;
  answer: string | null;
  answeredAt: string | null;
  @ApiProperty({ enum: COMPLAINT_REMEDIES, nullable: true })
  remedy: ComplaintRemedy | null;
  decisionReason: string | null;
  reviewedAt: string | null;
  withdrawnAt: string | null;
  /** The evidence the firm attached, oldest first: for the complaint's parties only (empty for anyone else, also once decided). */
  attachments: ComplaintAttachmentView[];
}

export class ComplaintList {
  items: ComplaintView[];
}

/** The standstill after the current decision on a problem. */
export class StandstillView {
  problemId: string;
  @ApiProperty({ enum: ['awarded', 'unsuccessful'] })
  outcome: 'awarded' | 'unsuccessful';
  decidedAt: string;
  workingDays: number;
  /** The period ends at this instant (midnight in Hai Phong after its last working day). */
  endsAt: string;
  /** Complaints may be filed now (by the database clock). */
  open: boolean;
  /** Complaints waiting for the reviewing body's decision. */
  pendingComplaints: number;
  /** The period is over with no pending complaint and there is a winner: the order may start. */
  orderMayStart: boolean;
}
