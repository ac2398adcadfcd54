import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { nfc, PageQueryDto } from '@app/common';
import { IMPORT_OUTCOMES, ImportOutcome } from './import-rows';

export class ListImportRowsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: IMPORT_OUTCOMES, description: 'Only rows with this outcome' })
  @IsOptional()
  @IsIn(IMPORT_OUTCOMES)
  outcome?: ImportOutcome;
}

export class DecideClaimDto {
  @ApiPropertyOptional({ description: 'Required to reject; the claimant is told it' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? nfc(value) : value))
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class ImportProgressView {
  @ApiProperty({ description: 'Rows checked (dry run) or written (commit) so far' })
  processedRows: number;

  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Rows in the file (dry run) or rows to write (commit); null until counted',
  })
  totalRows: number | null;
}

export class ImportSwaggerView {
  @ApiProperty() id: string;
  @ApiProperty() fileName: string;
  @ApiProperty({ enum: ['csv', 'xlsx'] }) format: string;
  @ApiProperty({ description: 'SHA-256 of the uploaded file, as audited' }) sha256: string;
  @ApiProperty({ example: 'Sở KH&CN Hải Phòng, danh sách DN công nghệ số 06/2024' }) source: string;
  @ApiProperty({ enum: ['validating', 'validated', 'committing', 'committed', 'failed'] }) status: string;
  @ApiProperty({ type: ImportProgressView }) progress: ImportProgressView;
  @ApiProperty({
    nullable: true,
    type: Object,
    description:
      'Rows per outcome: ready, update, unchanged, registered, duplicate_in_file, invalid_tax_code, unknown_unit, ambiguous_unit, missing_dates, invalid (created/updated after the commit)',
  })
  summary: Record<string, number> | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) validatedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) committedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) committedAt: string | null;
}

export class ImportRowSwaggerView {
  @ApiProperty({ description: 'Line in the file; the header is row 1' }) rowNumber: number;
  @ApiProperty({ enum: IMPORT_OUTCOMES }) outcome: string;
  @ApiProperty({ nullable: true, type: String }) taxCode: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'The normalised row, as it will be written' }) record: object | null;
  @ApiProperty({ type: [Object], description: '{field, code, message, suggestions?} for each problem found' }) problems: object[];
  @ApiProperty({ nullable: true, type: String }) enterpriseId: string | null;
}

export class ImportRowPage {
  @ApiProperty({ type: [ImportRowSwaggerView] }) items: ImportRowSwaggerView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ImportPage {
  @ApiProperty({ type: [ImportSwaggerView] }) items: ImportSwaggerView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
